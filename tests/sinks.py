"""Loopback receivers for alert tests: an SMTP sink and an HTTP webhook receiver (stdlib only)."""

from __future__ import annotations

import json
import socketserver
import threading
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class SmtpSink:
    """Speaks just enough SMTP for smtplib (EHLO, MAIL, RCPT, DATA, QUIT); keeps each message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self) -> None:
                self.reply("220 sink ESMTP")
                sender, recipients = "", []
                while True:
                    line = self.rfile.readline().decode("utf-8", "replace").strip()
                    command = line[:4].upper()
                    if not line or command == "QUIT":
                        self.reply("221 bye")
                        return
                    if command in ("EHLO", "HELO"):
                        self.reply("250 sink")
                    elif command == "MAIL":
                        sender, recipients = line.split(":", 1)[1].strip(" <>"), []
                        self.reply("250 ok")
                    elif command == "RCPT":
                        recipients.append(line.split(":", 1)[1].strip(" <>"))
                        self.reply("250 ok")
                    elif command == "DATA":
                        self.reply("354 end with .")
                        body = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            body += chunk[1:] if chunk.startswith(b"..") else chunk
                        sink.messages.append(message_from_bytes(body, policy=policy.default))
                        sink.envelopes.append((sender, recipients))
                        self.reply("250 queued")
                    else:
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def __enter__(self) -> SmtpSink:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class WebhookReceiver:
    """Records the JSON body of every POST it receives."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                receiver.posts.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook/s3cr3t-path"

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
