#!/usr/bin/env python3
"""What transformers (and peft) make of conversations: the chat-template tokens and the next-token
log-probabilities after them, as the reference that node-llama-cpp's output is checked against.

    python reference_logits.py --model HF_FOLDER [--adapter PEFT_FOLDER] --conversations FILE.json --out DIR

FILE.json holds [[{"role", "content"}, ...], ...]. DIR gets tokens.json ([[token ids], ...], the
template applied with add_generation_prompt=True) and log_probabilities.f32 (one row of the
vocabulary's float32 log-softmax per conversation, at its last token).
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--adapter", type=Path, help="a peft LoRA adapter folder to apply")
    parser.add_argument("--conversations", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    if args.adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, args.adapter)
    model.eval()
    conversations = json.loads(args.conversations.read_text(encoding="utf-8"))
    all_tokens, rows = [], []
    with torch.no_grad():
        for messages in conversations:
            tokens = tokenizer.apply_chat_template(messages, add_generation_prompt=True)
            logits = model(torch.tensor([tokens])).logits[0, -1].float()
            rows.append(torch.log_softmax(logits, dim=-1).numpy())
            all_tokens.append(list(tokens))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "tokens.json").write_text(json.dumps(all_tokens), encoding="utf-8")
    np.stack(rows).astype("<f4").tofile(args.out / "log_probabilities.f32")
    print(f"{len(conversations)} conversations, vocabulary {rows[0].shape[0]}")


if __name__ == "__main__":
    main()
