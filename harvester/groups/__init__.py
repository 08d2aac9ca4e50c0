"""Source groups: many OAI-PMH endpoints (a registry file of journals) used as one group."""

from harvester.groups.config import GROUP_KEYS, group_sources
from harvester.groups.registry import RegistryEntry, load_registry, registry_path

__all__ = ["GROUP_KEYS", "RegistryEntry", "group_sources", "load_registry", "registry_path"]
