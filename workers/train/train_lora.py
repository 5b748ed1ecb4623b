#!/usr/bin/env python3
"""QLoRA fine-tuning of a persona adapter on a `persona dataset export` folder.

Standard recipe: base model in 4-bit NF4 (bitsandbytes), LoRA r=16 alpha=32 on every
attention and MLP projection (peft), trl's SFTTrainer applying the model's chat template
to each {"messages": [system, user, assistant]} line and computing the loss on the whole
conversation; evaluation on validation.jsonl each epoch; loss curves to TensorBoard.

    python train_lora.py --data DIR --base meta-llama/Meta-Llama-3-8B-Instruct --out OUT
    accelerate launch --config_file accelerate-deepspeed.yaml train_lora.py ...   # several GPUs
"""
import argparse
import json
from pathlib import Path

import torch
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig
from trl import SFTConfig, SFTTrainer

from check_export import read_examples


def load_split(folder: Path, name: str) -> Dataset:
    # One {"messages": [...]} object per line: the format `persona dataset export` writes
    # and check_export.py validates (same reader).
    return Dataset.from_list(read_examples(folder / f"{name}.jsonl"))


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
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    manifest = json.loads((args.data / "manifest.json").read_text(encoding="utf-8"))
    train, validation = load_split(args.data, "train"), load_split(args.data, "validation")
    print(f"persona {manifest['persona']}: {len(train)} train, {len(validation)} validation examples")

    tokenizer = AutoTokenizer.from_pretrained(args.base)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    quantization = None if args.no_4bit else BitsAndBytesConfig(
        load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16, bnb_4bit_use_double_quant=True
    )
    model = AutoModelForCausalLM.from_pretrained(
        args.base, quantization_config=quantization, torch_dtype=torch.bfloat16, attn_implementation="sdpa"
    )

    lora = LoraConfig(
        r=16,
        lora_alpha=32,
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
        gradient_checkpointing=True,
        gradient_checkpointing_kwargs={"use_reentrant": False},
        bf16=True,
        max_seq_length=args.max_length,
        eval_strategy="epoch" if len(validation) else "no",
        save_strategy="epoch",
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
