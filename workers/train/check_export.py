#!/usr/bin/env python3
"""Validate a `persona dataset export` folder without a GPU (standard library only).

Reads DIR/train.jsonl and DIR/validation.jsonl exactly as train_lora.py does (one JSON
object per line with a "messages" list of system, user, assistant turns, all non-empty
strings) and checks DIR/manifest.json's counts. Exit 0 and a one-line summary when the
export is usable; exit 1 naming the file, line and problem otherwise.

    python workers/train/check_export.py DIR
"""
import json
import sys
from pathlib import Path

ROLES = ["system", "user", "assistant"]


def read_examples(path: Path) -> list:
    """The same reading as train_lora.py's load_split: JSON Lines, one example per line."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error}") from error
            check_record(record, f"{path}:{number}")
            examples.append(record)
    return examples


def check_record(record, where: str) -> None:
    if not isinstance(record, dict) or set(record) != {"messages"}:
        raise ValueError(f'{where}: expected an object with only "messages"')
    messages = record["messages"]
    if not isinstance(messages, list) or [m.get("role") if isinstance(m, dict) else None for m in messages] != ROLES:
        raise ValueError(f"{where}: messages must be {ROLES} in that order")
    for message in messages:
        if set(message) != {"role", "content"} or not isinstance(message["content"], str) or not message["content"].strip():
            raise ValueError(f'{where}: the {message.get("role")} message needs a non-empty "content" string')


def main(argv: list) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    folder = Path(argv[1])
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        train = read_examples(folder / "train.jsonl")
        validation = read_examples(folder / "validation.jsonl")
        for name, examples in (("train", train), ("validation", validation)):
            if manifest["counts"][name] != len(examples):
                raise ValueError(f"{folder / 'manifest.json'}: counts.{name} is {manifest['counts'][name]}, the file holds {len(examples)}")
        if not train:
            raise ValueError(f"{folder / 'train.jsonl'}: no training examples")
    except (OSError, ValueError, KeyError) as error:
        print(f"check_export: {error}", file=sys.stderr)
        return 1
    print(f"ok: {len(train)} train, {len(validation)} validation examples for persona {manifest.get('persona')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
