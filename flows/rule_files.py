"""Read the rule files: the shipped defaults (triggers/defaults) and the user's folder."""

from pathlib import Path

import triggers
from triggers.rules import RuleError, parse_rule_texts

DEFAULTS = Path(triggers.__file__).parent / "defaults"


def read_rule_texts(extra_dir: Path | None) -> dict[str, str]:
    """Return file name → YAML text of every rule file (defaults first, then the user's)."""
    files = sorted(DEFAULTS.glob("*.yaml"))
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise RuleError([f"{extra_dir}: 规则目录不存在"])
        files += sorted(extra_dir.glob("*.yaml")) + sorted(extra_dir.glob("*.yml"))
    texts = {}
    for path in files:
        name = str(path) if path.parent != DEFAULTS else f"defaults/{path.name}"
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError([f"{name}: 无法读取：{exc}"]) from exc
    return texts


def load_rules(extra_dir: Path | None) -> list:
    """Return the validated rules, or raise RuleError listing every problem."""
    return parse_rule_texts(read_rule_texts(extra_dir))
