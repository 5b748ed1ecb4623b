"""Writes a tiny, randomly initialised XTTS v2 model that `server.py` loads like the real one.

    python make_tiny_model.py --out DIR [--seed 1]

DIR gets `config.json`, `model.pth` ({"model": state_dict}, what `Xtts.load_checkpoint` reads)
and `vocab.json` (a character-level tokenizers BPE file that `VoiceBpeTokenizer` loads). The
architecture is XTTS v2's own (`XttsConfig` + `Xtts.init_from_config`, perceiver conditioning,
the HiFi-GAN decoder and ResNet speaker encoder), shrunk only where the configuration allows: a
2-layer, 64-wide GPT. The HiFi-GAN decoder and speaker encoder have no size settings, so they
keep their real size (most of the file's ~100 MB).

The weights are random (no model hub here), so the audio is noise. Two choices keep the tests
fast and deterministic: the GPT may generate at most MAX_GEN_MEL_TOKENS audio tokens (so one
sentence is a few chunks of `inference_stream`, a few seconds on a CPU), and the audio stop
token's logit bias is pushed far down so a random model never stops early: every sentence makes
exactly that many tokens, hence a fixed number of streamed chunks.
"""
from __future__ import annotations

import argparse
import json
import string
from pathlib import Path

# XTTS v2's languages, as in XttsConfig.languages; the tokenizer needs a "[lang]" token for each.
LANGUAGES = ["en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar", "zh-cn", "hu", "ko", "ja", "hi"]
SPECIAL_TOKENS = ["[STOP]", "[UNK]", "[SPACE]", "[START]"] + [f"[{lang}]" for lang in LANGUAGES]
# What XTTS's English cleaners leave: lower-case letters, digits, punctuation (numbers are spelled
# out, but digits cost nothing), and a few accented letters so other Latin languages tokenise too.
CHARACTERS = string.ascii_lowercase + string.digits + string.punctuation + "àâäçéèêëîïôöùûüÿñßáíóúãõœæ"
# inference_stream decodes every 20 tokens: 45 tokens make chunks at 20, 40 and 45 (three chunks,
# about 2 s of audio at 24 kHz).
MAX_GEN_MEL_TOKENS = 30


def build_vocab() -> dict:
    """A tokenizers JSON: BPE without merges (one token per character) plus XTTS's special tokens."""
    from tokenizers import Tokenizer
    from tokenizers.models import BPE

    vocab: dict[str, int] = {}
    for token in SPECIAL_TOKENS + list(CHARACTERS):
        vocab.setdefault(token, len(vocab))
    tokenizer = Tokenizer(BPE(vocab=vocab, merges=[], unk_token="[UNK]"))
    # Special tokens are matched whole before the model runs ("[SPACE]" is not seven characters).
    tokenizer.add_special_tokens(SPECIAL_TOKENS)
    return json.loads(tokenizer.to_str())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import torch
    from TTS.tts.configs.xtts_config import XttsConfig
    from TTS.tts.layers.xtts.tokenizer import VoiceBpeTokenizer
    from TTS.tts.models.xtts import Xtts

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.json").write_text(json.dumps(build_vocab(), ensure_ascii=False))
    tokenizer = VoiceBpeTokenizer(vocab_file=str(out / "vocab.json"))
    # The tokenizer must round-trip an English sentence without unknown tokens.
    ids = tokenizer.encode("Hello, world: it's 5 o'clock!", "en")
    assert tokenizer.tokenizer.token_to_id("[UNK]") not in ids, tokenizer.decode(ids)

    config = XttsConfig()
    m = config.model_args
    # XTTS v2's released values for everything but the sizes (its config.json).
    m.gpt_num_audio_tokens, m.gpt_start_audio_token, m.gpt_stop_audio_token = 1026, 1024, 1025
    m.gpt_use_perceiver_resampler = True
    m.gpt_use_masking_gt_prompt_approach = True
    m.gpt_max_text_tokens = 402
    m.gpt_max_prompt_tokens = 70
    # GPT.max_gen_mel_tokens = gpt_max_audio_tokens - 3 bounds the tokens generated per sentence.
    m.gpt_max_audio_tokens = MAX_GEN_MEL_TOKENS + 3
    # The small part: 2 layers of width 64 (real: 30 x 1024). The decoder reads GPT latents.
    m.gpt_layers, m.gpt_n_model_channels, m.gpt_n_heads = 2, 64, 4
    m.decoder_input_dim = m.gpt_n_model_channels
    # Xtts.init_models takes these from the tokenizer when it has one; load_checkpoint does the same.
    m.gpt_number_text_tokens = tokenizer.get_number_tokens()
    m.gpt_start_text_token = tokenizer.tokenizer.token_to_id("[START]")
    m.gpt_stop_text_token = tokenizer.tokenizer.token_to_id("[STOP]")
    m.tokenizer_file = ""  # load_checkpoint finds vocab.json next to model.pth

    torch.manual_seed(args.seed)
    model = Xtts.init_from_config(config)
    with torch.no_grad():
        # Never stop early (see the module docstring): generation ends at MAX_GEN_MEL_TOKENS.
        model.gpt.mel_head.bias[m.gpt_stop_audio_token] = -1e4
    torch.save({"model": model.state_dict()}, out / "model.pth")
    config.save_json(str(out / "config.json"))
    print(json.dumps({"out": str(out), "parameters": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()
