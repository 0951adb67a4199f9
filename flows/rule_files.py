"""Read the rule files: the shipped defaults (triggers/defaults) and the user's folder.

The user's folder holds YAML rule files and, for custom rule kinds, Python modules (`*.py`,
contract in `triggers.custom_kinds`): each is imported from its path under a private module
name, so its kind can be used by the YAML rules of any file.
"""

import sys
import types
from hashlib import sha1
from pathlib import Path

import triggers
from triggers.custom_kinds import CustomKind, CustomKindError, built_in_kinds, define_kind
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


def import_module(path: Path) -> types.ModuleType:
    """Return the module at `path`, executed afresh under a private name (no bytecode written)."""
    name = f"_policy_monitor_rules_{path.stem}_{sha1(str(path).encode()).hexdigest()[:8]}"
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module  # dataclasses and pickling by reference look the module up
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def read_custom_kinds(extra_dir: Path | None) -> list[CustomKind]:
    """Return the custom kinds of the `*.py` modules in the user's folder; RuleError lists every
    module that does not import or does not keep the contract."""
    if extra_dir is None or not extra_dir.is_dir():
        return []
    kinds, errors, built_in = [], [], built_in_kinds()
    for path in sorted(extra_dir.glob("*.py")):
        try:
            kind = define_kind(import_module(path), str(path), built_in)
        except SyntaxError as exc:
            errors.append(f"{path}: 第 {exc.lineno} 行语法错误：{exc.msg}")
            continue
        except CustomKindError as exc:
            errors.append(str(exc))
            continue
        except Exception as exc:
            errors.append(f"{path}: 无法导入：{type(exc).__name__}: {exc}")
            continue
        same = next((k for k in kinds if k.kind == kind.kind), None)
        if same is not None:
            errors.append(f"{path}: KIND {kind.kind!r} 已由 {same.file} 定义")
        else:
            kinds.append(kind)
    if errors:
        raise RuleError(errors)
    return kinds


def load_rules(extra_dir: Path | None) -> list:
    """Return the validated rules (custom kinds too), or raise RuleError listing every problem."""
    kinds = read_custom_kinds(extra_dir)
    return parse_rule_texts(read_rule_texts(extra_dir), custom_kinds=kinds)
