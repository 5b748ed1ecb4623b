#!/usr/bin/env python3
"""QLoRA fine-tuning of a persona adapter on a `persona dataset export` folder.

Standard recipe: base model in 4-bit NF4 (bitsandbytes), LoRA r=16 alpha=32 on every
attention and MLP projection (peft), trl's SFTTrainer applying the model's chat template
to each {"messages": [system, user, assistant]} line and computing the loss on the persona's
reply (completion-only loss); evaluation on validation.jsonl each epoch; loss curves to TensorBoard.

    python train_lora.py --data DIR --base /models/Meta-Llama-3-8B-Instruct --out OUT
    accelerate launch --config_file accelerate-deepspeed.yaml train_lora.py ...   # several GPUs
    python train_lora.py --data DIR --base TINY --out OUT --device cpu   # the tests: float32, no 4-bit

On CUDA the base model loads in 4-bit with bf16 compute; on CPU (`--device cpu`, or no GPU) it
trains in float32 without quantisation (bitsandbytes 4-bit needs CUDA). The LoRA targets, the
chat template and the loss are the same on both, so an adapter trained either way converts and
loads the same way (convert_to_gguf.py, then `persona adapters import`).
"""
import argparse
import json
from pathlib import Path

import torch
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import SFTConfig, SFTTrainer

from check_export import read_examples


def load_split(folder: Path, name: str) -> Dataset:
    # One {"messages": [...]} object per line: the format `persona dataset export` writes
    # and check_export.py validates (same reader). Each becomes a prompt (system, history, the
    # question) and a completion (her reply): trl renders the prompt with the chat template's
    # generation prompt, exactly as the prompt looks at inference, and computes the loss on
    # her words only, not on the questions or the system prompt that every example repeats.
    examples = read_examples(folder / f"{name}.jsonl")
    return Dataset.from_list([{"prompt": e["messages"][:-1], "completion": e["messages"][-1:]} for e in examples])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="folder with train.jsonl, validation.jsonl, manifest.json")
    parser.add_argument("--base", default="meta-llama/Meta-Llama-3-8B-Instruct", help="Hugging Face id or local folder of the base model")
    parser.add_argument("--out", type=Path, required=True, help="where the adapter (adapter_model.safetensors) and logs go")
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--batch-size", type=int, default=4, help="per device")
    parser.add_argument("--gradient-accumulation", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=2048, help="tokens per example; longer ones are truncated")
    parser.add_argument("--no-4bit", action="store_true", help="plain LoRA in bf16 (needs ~20 GB more than QLoRA for an 8B)")
    parser.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto", help="auto: CUDA when there is a GPU")
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--alpha", type=float, default=32)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("train_lora: --device cuda but torch sees no GPU (check the driver and that torch is a CUDA build)")
    four_bit = cuda and not args.no_4bit

    manifest = json.loads((args.data / "manifest.json").read_text(encoding="utf-8"))
    train, validation = load_split(args.data, "train"), load_split(args.data, "validation")
    print(f"persona {manifest['persona']}: {len(train)} train, {len(validation)} validation examples")

    tokenizer = AutoTokenizer.from_pretrained(args.base)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    quantization = None
    if four_bit:
        from transformers import BitsAndBytesConfig  # bitsandbytes is imported only for 4-bit on CUDA

        quantization = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16, bnb_4bit_use_double_quant=True
        )
    model = AutoModelForCausalLM.from_pretrained(
        args.base,
        quantization_config=quantization,
        dtype=torch.bfloat16 if cuda else torch.float32,
        attn_implementation="sdpa",
        device_map={"": 0} if cuda else {"": "cpu"},
    )
    print(f"training on {'CUDA' if cuda else 'CPU'}: {'4-bit NF4 base, bf16 compute' if four_bit else 'bf16' if cuda else 'float32'}")

    lora = LoraConfig(
        r=args.rank,
        lora_alpha=args.alpha,
        lora_dropout=0.05,
        bias="none",
        task_type="CAUSAL_LM",
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    )
    config = SFTConfig(
        output_dir=str(args.out),
        num_train_epochs=args.epochs,
        learning_rate=args.learning_rate,
        lr_scheduler_type="cosine",
        warmup_ratio=0.03,
        per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size,
        gradient_accumulation_steps=args.gradient_accumulation,
        gradient_checkpointing=cuda,
        gradient_checkpointing_kwargs={"use_reentrant": False} if cuda else None,
        bf16=cuda,
        use_cpu=not cuda,
        max_length=args.max_length,
        eval_strategy="epoch" if len(validation) else "no",
        save_strategy="epoch" if cuda else "no",
        save_total_limit=2,
        logging_steps=5,
        report_to=["tensorboard"],
        logging_dir=str(args.out / "runs"),
        seed=args.seed,
    )
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=train,
        eval_dataset=validation if len(validation) else None,
        processing_class=tokenizer,
        peft_config=lora,
    )
    trainer.train()
    trainer.save_model(str(args.out))
    tokenizer.save_pretrained(str(args.out))
    if len(validation):
        print(json.dumps(trainer.evaluate()))
    print(f"adapter written to {args.out}; next: convert_lora_to_gguf.py (see README.md)")


if __name__ == "__main__":
    main()
