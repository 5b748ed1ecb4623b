#!/usr/bin/env python3
"""Converts a Hugging Face Llama checkpoint, or a peft LoRA adapter trained on one, to GGUF for
node-llama-cpp (llama.cpp), with no llama.cpp checkout: this is the converter the tests run.

    python convert_to_gguf.py model HF_FOLDER OUT.gguf          # base model, float32 (or --f16)
    python convert_to_gguf.py lora PEFT_FOLDER OUT.gguf --base BASE.gguf|HF_FOLDER

Llama only (Llama 2, 3, 3.1 layouts: grouped-query attention, SiLU MLP, RMSNorm, rotary
embeddings). Hugging Face stores the query and key projections with each head's rotary halves
split (rotate_half); llama.cpp pairs neighbouring values instead, so those rows are reordered
per head, and a LoRA's B matrix for them (it produces those rows) gets the same reordering.
Errors name the file and what does not fit, and exit 2.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

import gguf

# Hugging Face module name -> llama.cpp tensor name (inside blk.N).
BLOCK_TENSORS = {
    "input_layernorm": "attn_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "post_attention_layernorm": "ffn_norm",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
TOP_TENSORS = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight", "lm_head.weight": "output.weight"}
BLOCK_NAME = re.compile(r"^model\.layers\.(\d+)\.(.+)\.weight$")


class ConversionError(Exception):
    pass


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConversionError(f"{path} is missing") from None
    except json.JSONDecodeError as error:
        raise ConversionError(f"{path} is not valid JSON: {error}") from None


def read_safetensors(folder: Path, stem: str) -> dict[str, np.ndarray]:
    single = folder / f"{stem}.safetensors"
    files = [single] if single.is_file() else sorted(folder.glob(f"{stem}-*-of-*.safetensors"))
    if not files:
        raise ConversionError(f"{folder} has no {stem}.safetensors")
    tensors: dict[str, np.ndarray] = {}
    for file in files:
        try:
            tensors.update(load_file(str(file)))
        except Exception as error:  # safetensors raises its own error types for corrupt headers
            raise ConversionError(f"{file} cannot be read as safetensors: {error}") from None
    return tensors


class LlamaShape:
    def __init__(self, config: dict, where: Path):
        architectures = config.get("architectures") or []
        if config.get("model_type") != "llama" and "LlamaForCausalLM" not in architectures:
            raise ConversionError(f"{where}: model_type {config.get('model_type')!r} is not llama; only Llama checkpoints convert")
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.kv_heads = int(config.get("num_key_value_heads") or self.heads)
        self.layers = int(config["num_hidden_layers"])
        self.head_dim = int(config.get("head_dim") or self.hidden // self.heads)
        self.config = config


def reorder_rotary_rows(weight: np.ndarray, heads: int) -> np.ndarray:
    """Rows of one projection, per head, from [first halves..., second halves...] to interleaved pairs."""
    rows = weight.shape[0]
    per_head = rows // heads
    return weight.reshape(heads, 2, per_head // 2, *weight.shape[1:]).swapaxes(1, 2).reshape(weight.shape)


def rotary_heads(module: str, shape: LlamaShape) -> int | None:
    if module == "self_attn.q_proj":
        return shape.heads
    if module == "self_attn.k_proj":
        return shape.kv_heads
    return None


def add_llama_metadata(writer: gguf.GGUFWriter, shape: LlamaShape, name: str) -> None:
    config = shape.config
    writer.add_name(name)
    writer.add_context_length(int(config.get("max_position_embeddings", 8192)))
    writer.add_embedding_length(shape.hidden)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.kv_heads)
    writer.add_rope_dimension_count(shape.head_dim)
    writer.add_rope_freq_base(float(config.get("rope_theta", 10000.0)))
    writer.add_layer_norm_rms_eps(float(config.get("rms_norm_eps", 1e-5)))
    writer.add_vocab_size(int(config["vocab_size"]))
    scaling = config.get("rope_scaling") or {}
    if scaling.get("rope_type", scaling.get("type")) not in (None, "default"):
        raise ConversionError(f"rope scaling {scaling} is not supported by this converter (Llama 3.1's needs rope_freqs)")


def add_bpe_tokenizer(writer: gguf.GGUFWriter, folder: Path, vocab_size: int) -> None:
    """The Llama 3 byte-level BPE tokenizer (tokenizer.json) as llama.cpp's "gpt2" model with the llama-bpe pre-tokenizer."""
    tokenizer = read_json(folder / "tokenizer.json")
    tokenizer_config = read_json(folder / "tokenizer_config.json")
    model = tokenizer.get("model", {})
    if model.get("type") != "BPE":
        raise ConversionError(f"{folder / 'tokenizer.json'}: a {model.get('type')} tokenizer; only byte-level BPE (Llama 3) is supported")
    tokens = [f"[PAD{index}]" for index in range(vocab_size)]
    types = [gguf.TokenType.UNUSED] * vocab_size
    for text, index in model["vocab"].items():
        if index < vocab_size:
            tokens[index], types[index] = text, gguf.TokenType.NORMAL
    for added in tokenizer.get("added_tokens", []):
        index = added["id"]
        if index < vocab_size:
            tokens[index] = added["content"]
            types[index] = gguf.TokenType.CONTROL if added.get("special") else gguf.TokenType.USER_DEFINED
    merges = [merge if isinstance(merge, str) else " ".join(merge) for merge in model.get("merges", [])]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("llama-bpe")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    by_text = {text: index for index, text in enumerate(tokens)}
    for key, add in (("bos_token", writer.add_bos_token_id), ("eos_token", writer.add_eos_token_id)):
        value = tokenizer_config.get(key)
        text = value.get("content") if isinstance(value, dict) else value
        if text in by_text:
            add(by_text[text])
    writer.add_add_bos_token(True)
    if tokenizer_config.get("chat_template"):
        writer.add_chat_template(tokenizer_config["chat_template"])


def convert_model(folder: Path, out: Path, half: bool) -> None:
    config = read_json(folder / "config.json")
    shape = LlamaShape(config, folder)
    tensors = read_safetensors(folder, "model")
    if "lm_head.weight" not in tensors:  # tied embeddings: llama.cpp wants an output matrix
        tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"]
    writer = gguf.GGUFWriter(str(out), "llama")
    add_llama_metadata(writer, shape, config.get("_name_or_path") or folder.name)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if half else gguf.LlamaFileType.ALL_F32)
    add_bpe_tokenizer(writer, folder, int(config["vocab_size"]))
    written = set()
    for name, gguf_name in TOP_TENSORS.items():
        data = tensors[name].astype(np.float32)
        writer.add_tensor(gguf_name, data.astype(np.float16) if half and data.ndim == 2 else data)
        written.add(name)
    for name in sorted(tensors, key=lambda n: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", n)]):
        match = BLOCK_NAME.match(name)
        if not match:
            if name not in written and not name.endswith("rotary_emb.inv_freq"):
                raise ConversionError(f"{folder}: unexpected tensor {name}")
            continue
        layer, module = int(match.group(1)), match.group(2)
        if module not in BLOCK_TENSORS:
            raise ConversionError(f"{folder}: unexpected tensor {name}")
        data = tensors[name].astype(np.float32)
        heads = rotary_heads(module, shape)
        if heads is not None:
            data = reorder_rotary_rows(data, heads)
        writer.add_tensor(f"blk.{layer}.{BLOCK_TENSORS[module]}.weight", data.astype(np.float16) if half and data.ndim == 2 else data)
    finish(writer)


PEFT_NAME = re.compile(r"^(?:base_model\.model\.)?model\.layers\.(\d+)\.(.+)\.lora_([AB])(?:\.default)?\.weight$")


def base_config_from_gguf(file: Path) -> dict:
    """The few settings of a base model that a LoRA conversion needs, read from its GGUF."""
    try:
        reader = gguf.GGUFReader(str(file))
    except Exception as error:  # GGUFReader raises ValueError or struct errors on a broken file
        raise ConversionError(f"{file} cannot be read as GGUF: {error}") from None

    def value(key: str):
        field = reader.fields.get(key)
        if field is None:
            raise ConversionError(f"{file} has no {key}: not a llama model GGUF")
        return field.contents()

    architecture = value("general.architecture")
    if architecture != "llama":
        raise ConversionError(f"{file} is a {architecture} model; only llama bases convert")
    return {
        "model_type": "llama",
        "_name_or_path": reader.fields["general.name"].contents() if "general.name" in reader.fields else file.stem,
        "hidden_size": value("llama.embedding_length"),
        "num_attention_heads": value("llama.attention.head_count"),
        "num_key_value_heads": value("llama.attention.head_count_kv"),
        "num_hidden_layers": value("llama.block_count"),
        "head_dim": value("llama.rope.dimension_count"),
    }


def convert_lora(folder: Path, out: Path, base: Path) -> None:
    adapter_config = read_json(folder / "adapter_config.json")
    base_config = base_config_from_gguf(base) if base.is_file() else read_json(base / "config.json")
    shape = LlamaShape(base_config, base)
    if adapter_config.get("peft_type", "LORA") != "LORA":
        raise ConversionError(f"{folder}: a {adapter_config.get('peft_type')} adapter; only LoRA converts")
    if adapter_config.get("use_dora"):
        raise ConversionError(f"{folder}: DoRA adapters are not supported by llama.cpp; train plain LoRA")
    if adapter_config.get("modules_to_save"):
        raise ConversionError(f"{folder}: modules_to_save {adapter_config['modules_to_save']} would need full tensors; llama.cpp adapters hold LoRA pairs only")
    if adapter_config.get("bias", "none") != "none":
        raise ConversionError(f"{folder}: LoRA bias {adapter_config['bias']!r} is not supported; train with bias='none'")
    rank = int(adapter_config["r"])
    alpha = float(adapter_config["lora_alpha"])
    # llama.cpp scales by alpha / rank; rank-stabilised LoRA scales by alpha / sqrt(rank).
    effective_alpha = alpha * math.sqrt(rank) if adapter_config.get("use_rslora") else alpha
    if adapter_config.get("rank_pattern") or adapter_config.get("alpha_pattern"):
        raise ConversionError(f"{folder}: per-module rank or alpha patterns are not supported")

    tensors = read_safetensors(folder, "adapter_model")
    pairs: dict[tuple[int, str], dict[str, np.ndarray]] = {}
    for name, data in tensors.items():
        match = PEFT_NAME.match(name)
        if not match or match.group(2) not in BLOCK_TENSORS or BLOCK_TENSORS[match.group(2)].endswith("norm"):
            raise ConversionError(f"{folder}: tensor {name} is not a LoRA factor of a Llama projection")
        pairs.setdefault((int(match.group(1)), match.group(2)), {})[match.group(3)] = data.astype(np.float32)

    writer = gguf.GGUFWriter(str(out), "llama")
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, effective_alpha)
    writer.add_name(f"LoRA of {base_config.get('_name_or_path') or base.name}")
    for (layer, module), pair in sorted(pairs.items()):
        if set(pair) != {"A", "B"}:
            raise ConversionError(f"{folder}: layer {layer} {module} has lora_{''.join(pair)} without its partner")
        a, b = pair["A"], pair["B"]
        if layer >= shape.layers:
            raise ConversionError(f"{folder}: layer {layer} does not exist in the base model ({shape.layers} layers)")
        if a.shape[0] != rank or b.shape[1] != rank:
            raise ConversionError(f"{folder}: {module} of layer {layer} has rank {a.shape[0]}x{b.shape[1]}, adapter_config says r={rank}")
        heads = rotary_heads(module, shape)
        if heads is not None:
            b = reorder_rotary_rows(b, heads)
        prefix = f"blk.{layer}.{BLOCK_TENSORS[module]}.weight"
        writer.add_tensor(f"{prefix}.lora_a", a)
        writer.add_tensor(f"{prefix}.lora_b", b)
    if not pairs:
        raise ConversionError(f"{folder}: the adapter holds no LoRA tensors")
    finish(writer)


def finish(writer: gguf.GGUFWriter) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    model = commands.add_parser("model", help="a Hugging Face Llama checkpoint to GGUF")
    model.add_argument("folder", type=Path)
    model.add_argument("out", type=Path)
    model.add_argument("--f16", action="store_true", help="store matrices in float16 (half the size)")
    lora = commands.add_parser("lora", help="a peft LoRA adapter to a llama.cpp LoRA GGUF")
    lora.add_argument("folder", type=Path)
    lora.add_argument("out", type=Path)
    lora.add_argument("--base", type=Path, required=True, help="the base model it was trained on: its GGUF, or its Hugging Face folder (config.json is read)")
    args = parser.parse_args()
    partial = args.out.with_name(args.out.name + ".partial")
    try:
        if args.command == "model":
            convert_model(args.folder, partial, args.f16)
        else:
            convert_lora(args.folder, partial, args.base)
        partial.replace(args.out)
    except (ConversionError, KeyError, ValueError) as error:
        partial.unlink(missing_ok=True)
        message = f"missing setting {error}" if isinstance(error, KeyError) else str(error)
        print(f"convert_to_gguf: {message}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
