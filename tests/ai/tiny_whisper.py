"""Build a tiny, randomly initialised Whisper model for faster-whisper, offline, for the audio tests.

No model can be downloaded here, so this makes one: a real multilingual Whisper tokenizer from the
vocabulary that the openai-whisper package ships (assets/multilingual.tiktoken), a Whisper of a few
hundred thousand random weights from transformers, converted by CTranslate2 into the directory
faster-whisper loads (model.bin, config.json, vocabulary.json, tokenizer.json,
preprocessor_config.json). Its text is nonsense; loading, decoding and timestamps are real.

Run it in a throwaway venv, never the project's (torch is only needed to build):

    python3.11 -m venv /tmp/whisper-build
    /tmp/whisper-build/bin/pip install torch==2.13.0 "transformers<5" ctranslate2 tiktoken
    /tmp/whisper-build/bin/pip install --no-deps openai-whisper
    /tmp/whisper-build/bin/python tests/ai/tiny_whisper.py /tmp/tiny-random-whisper

(torch 2.13.0 is the CPU build this machine keeps on disk for Python 3.11.) Then, in a venv with
the project and its `audio` extra:

    WENDBAAR_TEST_WHISPER_MODEL=/tmp/tiny-random-whisper pytest tests/ai/test_transcribe_whisper.py
"""

import importlib.util
import sys
from pathlib import Path

PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def _openai_whisper_tokenizer_module():
    # Loaded on its own: the package's __init__ needs numba and triton, which are not installed.
    spec = importlib.util.find_spec("whisper")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "openai-whisper is needed for its vocabulary: pip install --no-deps openai-whisper"
        )
    folder = Path(spec.submodule_search_locations[0])
    module_spec = importlib.util.spec_from_file_location(
        "whisper_tokenizer", folder / "tokenizer.py"
    )
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module, folder / "assets" / "multilingual.tiktoken"


def build(output: Path) -> None:
    import torch
    from ctranslate2.converters import TransformersConverter
    from transformers import (
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperTokenizerFast,
    )
    from transformers.convert_slow_tokenizer import TikTokenConverter

    hf_dir = output.parent / f"{output.name}-hf"
    hf_dir.mkdir(parents=True, exist_ok=True)

    whisper_tokenizer, vocabulary = _openai_whisper_tokenizer_module()
    encoding = whisper_tokenizer.get_encoding("multilingual", num_languages=99)
    specials = sorted(encoding._special_tokens.items(), key=lambda item: item[1])
    names = [name for name, _ in specials]
    backend = TikTokenConverter(
        vocab_file=str(vocabulary), pattern=PATTERN, additional_special_tokens=names
    ).converted()
    tokenizer = WhisperTokenizerFast(
        tokenizer_object=backend,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        # As in openai/whisper-*: the timestamps are added tokens, not "additional special tokens".
        additional_special_tokens=[n for n in names[1:] if not n[2:3].isdigit()],
        model_max_length=448,
    )
    # The same ids as openai-whisper's own tokenizer, for text and for the special tokens.
    assert len(tokenizer) == encoding.n_vocab == 51865
    sample = "Goedemorgen, this is a test of the tokenizer: 12,50 euro!"
    assert tokenizer.encode(sample, add_special_tokens=False) == encoding.encode(sample)
    assert all(tokenizer.convert_tokens_to_ids(name) == i for name, i in specials)
    tokenizer.save_pretrained(hf_dir)

    ids = dict(specials)
    eot, sot = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    config = WhisperConfig(
        vocab_size=len(tokenizer),
        num_mel_bins=80,
        d_model=64,
        encoder_layers=2,
        encoder_attention_heads=2,
        decoder_layers=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        max_source_positions=1500,  # faster-whisper pads every window to 30 s: 3000 frames / 2
        max_target_positions=448,
        decoder_start_token_id=sot,
        bos_token_id=eot,
        eos_token_id=eot,
        pad_token_id=eot,
    )
    torch.manual_seed(0)
    model = WhisperForConditionalGeneration(config).eval()
    generation = model.generation_config
    generation._from_model_config = False  # else lang_to_id is dropped when the converter loads it
    generation.lang_to_id = {n: i for n, i in specials if n[2:-2] in whisper_tokenizer.LANGUAGES}
    generation.task_to_id = {"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]}
    generation.no_timestamps_token_id = ids["<|notimestamps|>"]
    generation.is_multilingual = True
    generation.decoder_start_token_id = sot
    generation.suppress_tokens = []
    generation.begin_suppress_tokens = [220, eot]
    model.save_pretrained(hf_dir)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(hf_dir)

    TransformersConverter(
        str(hf_dir), copy_files=["tokenizer.json", "preprocessor_config.json"]
    ).convert(str(output), quantization="int8", force=True)
    for path in sorted(output.iterdir()):
        print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {sys.argv[0]} OUTPUT_DIR")
    build(Path(sys.argv[1]))
