"""`python -m harvester.service.healthcheck`: exit 0 when the local service's /healthz says 200.

For container health checks: it asks 127.0.0.1 on HARVESTER_PORT (default 8080), with
HARVESTER_TOKEN as a Bearer token when one is set.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("HARVESTER_PORT", "8080")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz")
    token = os.environ.get("HARVESTER_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            ok = response.status == 200
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
