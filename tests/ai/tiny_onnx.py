"""A real, tiny ONNX embedding model directory, built by the tests themselves (nothing downloaded).

The graph looks up each token in a small random table (input_ids → Gather → last_hidden_state),
so the expected sentence vector of a text can be computed by hand from `table`. The padding
token has a vector of its own: pooling that forgot the attention mask would show.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WORDS = [
    "de",
    "monteur",
    "komt",
    "dinsdag",
    "langs",
    "om",
    "ketel",
    "te",
    "vervangen",
    "factuur",
    "wordt",
    "betaald",
    "een",
    "veel",
    "langere",
    "tekst",
    "met",
    "heel",
    "woorden",
    "kort",
    "query",
    "passage",
    ":",
    ".",
]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]


@dataclass
class TinyModel:
    path: Path
    table: np.ndarray  # [vocabulary, d]
    vocabulary: dict[str, int]

    def ids(self, text: str) -> list[int]:
        """Token ids as the tokenizer makes them: [CLS] words [SEP]."""
        words = text.replace(":", " : ").replace(".", " . ").split()
        return [
            self.vocabulary["[CLS]"],
            *(self.vocabulary.get(w.lower(), self.vocabulary["[UNK]"]) for w in words),
            self.vocabulary["[SEP]"],
        ]

    def expected(self, text: str, *, pooling: str = "mean") -> np.ndarray:
        """The unit vector of `text` (before padding to 512), computed without onnxruntime."""
        rows = self.table[self.ids(text)]
        vector = {"cls": rows[0], "max": rows.max(axis=0)}.get(pooling, rows.mean(axis=0))
        return (vector / np.linalg.norm(vector)).astype(np.float32)


def build(
    path: Path,
    *,
    dimensions: int = 16,
    seed: int = 0,
    inputs: tuple[str, ...] = ("input_ids", "attention_mask"),
    pooling: str | None = None,
    prompts: dict[str, str] | None = None,
    max_seq_length: int | None = None,
    in_onnx_folder: bool = False,
    pooled_output: bool = False,
) -> TinyModel:
    """Write a model directory to `path` as sentence-transformers exports one."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    path.mkdir(parents=True, exist_ok=True)
    vocabulary = {token: n for n, token in enumerate([*SPECIAL, *WORDS])}
    table = np.random.default_rng(seed).standard_normal((len(vocabulary), dimensions))
    table = table.astype(np.float32)

    graph_inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
        for name in inputs
    ]
    nodes = [helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"], axis=0)]
    outputs = [
        helper.make_tensor_value_info(
            "last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", dimensions]
        )
    ]
    if pooled_output:  # as an export with the pooling in the graph: every token, mask or not
        nodes.append(
            helper.make_node(
                "ReduceMean", ["last_hidden_state"], ["sentence_embedding"], axes=[1], keepdims=0
            )
        )
        outputs.append(
            helper.make_tensor_value_info(
                "sentence_embedding", TensorProto.FLOAT, ["batch", dimensions]
            )
        )
    graph = helper.make_graph(
        nodes,
        "tiny-embedder",
        graph_inputs,
        outputs,
        initializer=[numpy_helper.from_array(table, name="table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # what every onnxruntime of the last years reads
    onnx.checker.check_model(model)
    onnx_path = path / "onnx" / "model.onnx" if in_onnx_folder else path / "model.onnx"
    onnx_path.parent.mkdir(exist_ok=True)
    onnx.save(model, str(onnx_path))

    tokenizer = Tokenizer(models.WordLevel(vocab=vocabulary, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", vocabulary["[CLS]"]), ("[SEP]", vocabulary["[SEP]"])],
    )
    tokenizer.save(str(path / "tokenizer.json"))

    if pooling is not None:
        (path / "1_Pooling").mkdir(exist_ok=True)
        (path / "1_Pooling" / "config.json").write_text(
            json.dumps(
                {
                    "word_embedding_dimension": dimensions,
                    "pooling_mode_cls_token": pooling == "cls",
                    "pooling_mode_mean_tokens": pooling == "mean",
                    "pooling_mode_max_tokens": pooling == "max",
                }
            )
        )
    if prompts is not None:
        (path / "config_sentence_transformers.json").write_text(
            json.dumps({"prompts": prompts, "default_prompt_name": None})
        )
    if max_seq_length is not None:
        (path / "sentence_bert_config.json").write_text(
            json.dumps({"max_seq_length": max_seq_length, "do_lower_case": False})
        )
    return TinyModel(path=path, table=table, vocabulary=vocabulary)
