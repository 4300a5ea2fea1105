"""A local ONNX sentence-embedding model, read from AI_EMBEDDING_MODEL_DIR; nothing is downloaded.

The directory is laid out as sentence-transformers and optimum export a model to ONNX:

- `model.onnx` (or `onnx/model.onnx`): the transformer, with inputs `input_ids`, `attention_mask`
  and optionally `token_type_ids`, and an output `last_hidden_state` [batch, tokens, d] (or an
  already pooled `sentence_embedding` [batch, d]);
- `tokenizer.json`: the HuggingFace `tokenizers` file;
- optional `1_Pooling/config.json`: sentence-transformers pooling (mean by default, or CLS);
- optional `config_sentence_transformers.json`: `"prompts"` such as `{"query": "query: ",
  "passage": "passage: "}` that e5-style models put in front of a text;
- optional `sentence_bert_config.json` (`max_seq_length`) or `tokenizer_config.json`
  (`model_max_length`): how many tokens of a text the model reads (512 when neither says).

The model runs with onnxruntime on the CPU (the optional extra `models`). Every problem with the
directory is an ImproperlyConfigured error that names the setting and the file, raised when the
model is first loaded, not a traceback from deep inside onnxruntime.
"""

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

SETTING = "AI_EMBEDDING_MODEL_DIR"
EXTRA = "models"
DEFAULT_MAX_TOKENS = 512
# Inputs a transformer export may declare; anything else the model needs cannot be fed.
KNOWN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# sentence-transformers modules that are applied here (or need nothing): Dense layers are not.
KNOWN_MODULES = ("Transformer", "Pooling", "Normalize")
# Bytes of model.onnx that go into the model's name, with its size.
NAME_HASH_BYTES = 1 << 20

_models: dict[str, "LocalModel"] = {}
_names: dict[tuple, str] = {}
_lock = threading.Lock()


def _error(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{SETTING}: {message}")


def model_file(directory: str | Path) -> Path:
    """The ONNX file of a model directory; ImproperlyConfigured when there is none."""
    root = Path(directory).expanduser()
    if not root.is_dir():
        raise _error(
            _("%(dir)s is not a directory. Point it at an exported ONNX embedding model.")
            % {"dir": root}
        )
    for candidate in (root / "model.onnx", root / "onnx" / "model.onnx"):
        if candidate.is_file():
            return candidate
    raise _error(
        _("%(dir)s holds no model.onnx (nor onnx/model.onnx). Export the model to ONNX first.")
        % {"dir": root}
    )


def model_name(directory: str | Path) -> str:
    """`local:<dir name>:<hash>`, the hash over model.onnx's size and first megabyte.

    Part of every passage's content hash, so another model (or another export of it) makes the
    index embed every passage again.
    """
    path = model_file(directory)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    name = _names.get(key)
    if name is None:
        digest = hashlib.sha256(str(stat.st_size).encode() + b"\x00")
        with path.open("rb") as handle:
            digest.update(handle.read(NAME_HASH_BYTES))
        name = f"local:{Path(directory).expanduser().resolve().name}:{digest.hexdigest()[:12]}"
        _names[key] = name
    return name


def get_model(directory: str | Path) -> "LocalModel":
    """The loaded model of a directory, loaded once per process."""
    key = str(Path(directory).expanduser().resolve())
    model = _models.get(key)
    if model is None:
        with _lock:
            model = _models.get(key)
            if model is None:
                model = load(directory)
                _models[key] = model
    return model


def clear() -> None:
    """Forget the loaded models (tests, or after the files changed)."""
    with _lock:
        _models.clear()
        _names.clear()


def _imports():
    try:
        import onnxruntime
        import tokenizers
    except ImportError as exc:
        raise _error(
            _(
                "a local embedding model needs onnxruntime and tokenizers: install the optional "
                "extra '%(extra)s' (pip install 'wendbaar[%(extra)s]'), or leave the setting "
                "empty to use the built-in model. (%(error)s)"
            )
            % {"extra": EXTRA, "error": exc}
        ) from exc
    return onnxruntime, tokenizers


def _read_json(path: Path) -> dict:
    """A JSON object from an optional file: {} when it is not there, an error when it is broken."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _error(
            _("%(file)s is not valid JSON (%(error)s).") % {"file": path, "error": exc}
        ) from exc
    if not isinstance(data, dict):
        raise _error(_("%(file)s does not hold a JSON object.") % {"file": path})
    return data


def _pooling(root: Path) -> str:
    config = _read_json(root / "1_Pooling" / "config.json")
    modes = [
        mode
        for mode, key in (
            ("cls", "pooling_mode_cls_token"),
            ("mean", "pooling_mode_mean_tokens"),
            ("max", "pooling_mode_max_tokens"),
            # Mean times the square root of the length: the same direction as the mean.
            ("mean", "pooling_mode_mean_sqrt_len_tokens"),
            ("weightedmean", "pooling_mode_weightedmean_tokens"),
            ("lasttoken", "pooling_mode_lasttoken"),
        )
        if config.get(key)
    ]
    modes = list(dict.fromkeys(modes))
    if not modes:
        return "mean"
    if len(modes) > 1 or modes[0] not in ("cls", "mean", "max", "lasttoken"):
        raise _error(
            _("the pooling in %(file)s (%(modes)s) is not supported; use mean or CLS pooling.")
            % {"file": root / "1_Pooling" / "config.json", "modes": ", ".join(modes)}
        )
    return modes[0]


def _check_modules(root: Path, pooled_by_graph: bool) -> None:
    """Refuse a sentence-transformers pipeline with steps (a Dense layer) that are not run here."""
    path = root / "modules.json"
    if pooled_by_graph or not path.is_file():
        return
    try:
        modules = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _error(
            _("%(file)s is not valid JSON (%(error)s).") % {"file": path, "error": exc}
        ) from exc
    for module in modules if isinstance(modules, list) else []:
        kind = str(module.get("type", "") if isinstance(module, dict) else "").rsplit(".", 1)[-1]
        if kind and kind not in KNOWN_MODULES:
            raise _error(
                _(
                    "the model in %(dir)s has a %(module)s step after the transformer, which is "
                    "not in model.onnx; export a model whose ONNX graph includes it, or one "
                    "without it."
                )
                % {"dir": root, "module": kind}
            )


def _prompts(root: Path) -> dict[str, str]:
    config = _read_json(root / "config_sentence_transformers.json")
    prompts = config.get("prompts") or {}
    if not isinstance(prompts, dict):
        return {}
    prompts = {str(k): str(v) for k, v in prompts.items() if isinstance(v, str)}
    default = prompts.get(str(config.get("default_prompt_name") or ""), "")
    return {
        "query": prompts.get("query", default),
        "passage": prompts.get("passage", prompts.get("document", default)),
    }


def _max_tokens(root: Path, tokenizer) -> int:
    truncation = tokenizer.truncation or {}
    for value in (
        _read_json(root / "sentence_bert_config.json").get("max_seq_length"),
        truncation.get("max_length"),
        _read_json(root / "tokenizer_config.json").get("model_max_length"),
    ):
        # tokenizer_config.json says 1e30 when the tokenizer has no limit of its own.
        if isinstance(value, int | float) and 0 < value < 100_000:
            return int(value)
    return DEFAULT_MAX_TOKENS


def _pad_id(root: Path, tokenizer) -> int:
    padding = tokenizer.padding or {}
    if isinstance(padding.get("pad_id"), int):
        return padding["pad_id"]
    token = _read_json(root / "tokenizer_config.json").get("pad_token")
    if isinstance(token, dict):
        token = token.get("content")
    for candidate in (token, "[PAD]", "<pad>"):
        if isinstance(candidate, str) and tokenizer.token_to_id(candidate) is not None:
            return tokenizer.token_to_id(candidate)
    return 0


@dataclass
class LocalModel:
    """A loaded ONNX embedding model: `encode` gives (N, dimensions) L2-normalised float32."""

    directory: Path
    session: object
    tokenizer: object
    input_types: dict[str, type]
    output: str
    pooled_by_graph: bool
    pooling: str = "mean"
    prompts: dict[str, str] = field(default_factory=dict)
    max_tokens: int = DEFAULT_MAX_TOKENS
    pad_id: int = 0
    batch_size: int = 32
    dimensions: int = 0

    def encode(self, texts: list[str], *, kind: str = "passage") -> np.ndarray:
        prefix = self.prompts.get(kind, "")
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([prefix + text for text in texts])
        # Batches of texts of similar length waste the least time on padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        rows: list[np.ndarray] = [np.empty(0)] * len(texts)
        for begin in range(0, len(order), self.batch_size):
            batch = order[begin : begin + self.batch_size]
            for i, vector in zip(batch, self._run([encodings[i] for i in batch]), strict=True):
                rows[i] = vector
        out = np.stack(rows).astype(np.float32, copy=False)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def _run(self, encodings) -> np.ndarray:
        length = max(1, max(len(e.ids) for e in encodings))
        ids = np.full((len(encodings), length), self.pad_id, dtype=np.int64)
        types = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros((len(encodings), length), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            ids[row, :n] = encoding.ids
            types[row, :n] = encoding.type_ids
            mask[row, :n] = 1  # right padding: the tokenizer pads nothing itself
        arrays = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        feed = {name: arrays[name].astype(dtype) for name, dtype in self.input_types.items()}
        result = np.asarray(self.session.run([self.output], feed)[0], dtype=np.float32)
        if self.pooled_by_graph:
            return result.reshape(len(encodings), -1)
        return _pool(result, mask, self.pooling)


def _pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    """Sentence vectors [batch, d] from token vectors [batch, tokens, d], padding left out."""
    weights = mask[:, : hidden.shape[1], None].astype(np.float32)
    if pooling == "cls":
        return hidden[:, 0]
    if pooling == "lasttoken":
        last = np.maximum(mask.sum(axis=1) - 1, 0)
        return hidden[np.arange(hidden.shape[0]), last]
    if pooling == "max":
        pooled = np.where(weights > 0, hidden, -np.inf).max(axis=1)
        return np.where(np.isfinite(pooled), pooled, 0)  # a text without tokens: a zero vector
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


_DTYPES = {"tensor(int64)": np.int64, "tensor(int32)": np.int32}


def load(directory: str | Path) -> LocalModel:
    """Load and check a model directory; ImproperlyConfigured with a clear message on any problem."""
    from wendbaar.ai.embeddings import DIMENSIONS

    onnxruntime, tokenizers = _imports()
    path = model_file(directory)
    root = Path(directory).expanduser()
    tokenizer_path = root / "tokenizer.json"
    if not tokenizer_path.is_file():
        raise _error(
            _("%(dir)s holds no tokenizer.json (the HuggingFace tokenizers file of the model).")
            % {"dir": root}
        )
    try:
        tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_path))
    except Exception as exc:
        raise _error(
            _("%(file)s could not be read as a tokenizer (%(error)s).")
            % {"file": tokenizer_path, "error": _first_line(exc)}
        ) from exc
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, int(settings.AI_EMBEDDED_THREADS))
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: onnxruntime's warnings are not for our users
    try:
        session = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:
        raise _error(
            _("%(file)s could not be loaded as an ONNX model (%(error)s).")
            % {"file": path, "error": _first_line(exc)}
        ) from exc

    input_types = {}
    for graph_input in session.get_inputs():
        if graph_input.name not in KNOWN_INPUTS or graph_input.type not in _DTYPES:
            raise _error(
                _(
                    "%(file)s needs an input %(name)s (%(type)s); only input_ids, attention_mask "
                    "and token_type_ids (integers) can be given."
                )
                % {"file": path, "name": graph_input.name, "type": graph_input.type}
            )
        input_types[graph_input.name] = _DTYPES[graph_input.type]
    if "input_ids" not in input_types:
        raise _error(_("%(file)s has no input_ids input.") % {"file": path})
    outputs = {o.name: o for o in session.get_outputs()}
    if "sentence_embedding" in outputs:
        output, pooled = "sentence_embedding", True
    elif "last_hidden_state" in outputs:
        output, pooled = "last_hidden_state", False
    else:
        by_rank = [o for o in outputs.values() if len(o.shape or []) in (2, 3)]
        if not by_rank:
            raise _error(
                _("%(file)s has no last_hidden_state or sentence_embedding output.")
                % {"file": path}
            )
        output, pooled = by_rank[0].name, len(by_rank[0].shape) == 2
    _check_modules(root, pooled)

    max_tokens = _max_tokens(root, tokenizer)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    model = LocalModel(
        directory=root,
        session=session,
        tokenizer=tokenizer,
        input_types=input_types,
        output=output,
        pooled_by_graph=pooled,
        pooling=_pooling(root),
        prompts=_prompts(root),
        max_tokens=max_tokens,
        pad_id=_pad_id(root, tokenizer),
    )
    # One real run: the graph's output size is often symbolic, and a model that cannot run
    # should say so now rather than in the middle of an import.
    try:
        probe = model.encode(["probe"])
    except Exception as exc:
        raise _error(
            _("the model in %(dir)s could not embed a test sentence (%(error)s).")
            % {"dir": root, "error": _first_line(exc)}
        ) from exc
    model.dimensions = int(probe.shape[1])
    if model.dimensions > DIMENSIONS:
        raise _error(
            _(
                "the model in %(dir)s makes vectors of %(dims)d dimensions; the search index "
                "holds %(max)d. Choose a model with at most %(max)d dimensions."
            )
            % {"dir": root, "dims": model.dimensions, "max": DIMENSIONS}
        )
    return model


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
