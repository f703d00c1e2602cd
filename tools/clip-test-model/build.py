#!/usr/bin/python3
"""Builds the tiny CLIP-architecture test model and its reference outputs.

No pretrained CLIP weights can be downloaded here, so the C# CLIP path (tokenizer, image
preprocessing, both encoders) is proven against this model instead: the same architecture as
OpenAI's CLIP (a causal transformer text tower pooled at the end-of-text token, a ViT vision tower
with a class token and pre-LN blocks, a projection on each), with fixed seeded weights, a small
byte-level BPE vocabulary trained here, and embeddings computed by PyTorch for fixed texts and
images. Both export layouts the product loads are written:

  hf/        Hugging Face split export: text_model.onnx (input_ids int64 + attention_mask, output
             text_embeds), vision_model.onnx (pixel_values, output image_embeds), vocab.json,
             merges.txt, tokenizer_config.json (pads with <|endoftext|>), preprocessor_config.json.
             Dynamic batch axis (and dynamic sequence axis for the text model, as optimum exports).
  openclip/  OpenCLIP/Immich layout: config.json, textual/model.onnx (input text int32 [1,77],
             output embedding, normalized in the graph), textual/tokenizer.json,
             textual/tokenizer_config.json (pads with "!", id 0, as OpenCLIP does),
             visual/model.onnx (input image [1,3,S,S]), visual/preprocess_cfg.json. Batch axis
             fixed at 1, exactly as Immich's exporter writes it, so the C# batch fallback is tested.
  broken/    vision_model_width16.onnx: a vision tower with a 16-wide (dynamically declared) output, to
             test the width checks.
  images/, preprocessed/, resized/, reference.json: inputs and PyTorch/Pillow reference outputs.

Run with Debian's interpreter (python3-torch 1.13, python3-onnx, python3-pil, python3-regex):
  apt-get install -y python3-torch python3-onnx python3-regex
  /usr/bin/python3 tools/clip-test-model/build.py [--out tests/Retrieval.Models.Tests/Clip/Fixtures]

clip_bpe.py is the reference tokenizer (and the trainer of the small vocabulary), clip_model.py the
PyTorch model. `--preset vit-b-32 --out artifacts/clip-vit-b-32` writes a full-size ViT-B/32-shaped
model with random weights (about 600 MB, not committed) for timing with bench.cs.
"""

import argparse
import json
import os
import shutil
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from clip_bpe import CONTEXT, END, START, Tokenizer, train_merges
from clip_model import Block, HfText, HfVision, OpenClipText, OpenClipVision, TextTower, VisionTower

SEED = 1234
WIDTH = 64
HEADS = 4
LAYERS = 2
IMAGE = 32
PATCH = 8
EMBED = 32
MERGES = 320
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]

CORPUS = """
a photo of a cat. a photo of a dog. a photo of the word stop. a photo of the word open.
the text "open" written on a sign. the text "exit" written on a sign. the text "coffee" written on a sign.
stop sign on the street. coffee shop open. closed. exit. street sign. hello world.
it's a sign. we're here. they've gone. i'm in. you'll see. he'd go. photo photo photo sign sign sign.
written written text text word word the the the a a a of of of on on on street street cat cat dog.
shop shop shop coffee coffee open open closed closed hello hello world world here here
""" + " ".join(
    f"{w} " * (1 + i % 4)
    for i, w in enumerate(
        "about above after again against all also always another answer area around away back because become before"
        " begin being below between black book both bottom bring build building business call came card center change"
        " city close color come company could country cover cross dark different door down draw during each early"
        " east enough entrance even every example face family father field find fire first floor follow food form"
        " found free front full game give good great green ground group grow hand hard head hear help high home"
        " house however important inside island keep kind knew know land large last late learn leave left letter"
        " light line list little live long look machine made main make many mark market might money more morning"
        " most mother mountain move much music must name near never next night north number often only order other"
        " over page paper parking part people picture place plant point power press price public question quick"
        " rain read real right river road room round rule same school science second service several should show"
        " side simple since small sound south space special stand start state station still story study such sun"
        " table take than their there these thing think this those though three through time together took toward"
        " town train travel tree under until very walk warning water welcome west what where which while white"
        " window with without women work would write year yellow young zone".split()
    )
)

TEXTS = [
    "a photo of a cat",
    "STOP",
    'the text "open" written on a sign',
    "it's 2024 &amp; we're   here!!",
    "Café naïve — 東京 straße",
    "",
    "hello, world! x1000 <|endoftext|> ok",
    "emoji \U0001F642 and \U0001D400 bold",
    " ".join(["coffee shop open street sign"] * 16),
]


def export(module, args, path, inputs, outputs, dynamic_axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, opset_version=14,
                      dynamic_axes=dynamic_axes, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def write_width16_vision(path):
    """A stand-in vision tower of another model: right input, 16-wide output declared with a dynamic width."""
    from onnx import TensorProto, helper, numpy_helper
    weights = numpy_helper.from_array(np.random.RandomState(SEED).randn(3, 16).astype(np.float32), "weights")
    nodes = [helper.make_node("ReduceMean", ["pixel_values"], ["pooled"], axes=[2, 3], keepdims=0),
             helper.make_node("MatMul", ["pooled", "weights"], ["image_embeds"])]
    graph = helper.make_graph(nodes, "width16", [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, IMAGE, IMAGE])],
                              [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch_size", "width"])], [weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], producer_name="clip-test-model")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


def make_images():
    """Deterministic test images; the square ones are already the model's size S."""
    rng = np.random.RandomState(SEED)
    y, x = np.mgrid[0:IMAGE, 0:IMAGE]
    images = {
        "gradient": np.stack([x * 8, y * 8, np.full_like(x, 128)], -1),
        "checker": np.repeat(((((x // 4) + (y // 4)) % 2) * 255)[..., None], 3, -1),
        "noise": rng.randint(0, 256, (IMAGE, IMAGE, 3)),
        "rings": np.stack([(np.hypot(x - 16, y - 16) * 20) % 256, (x * y) % 256, 255 - y * 8], -1),
        "bars": np.where(((x % 6) < 2) & (y > 8) & (y < 24), 0, 255)[..., None].repeat(3, -1),
    }

    def pattern(w, h):
        yy, xx = np.mgrid[0:h, 0:w]
        return np.stack([(xx * 255) // max(1, w - 1), ((xx // 3 + yy // 3) % 2) * 200 + 20, (yy * 255) // max(1, h - 1)], -1)

    images["wide"] = pattern(50, 37)
    images["tall"] = pattern(37, 61)
    images["small"] = pattern(20, 13)
    return {k: Image.fromarray(v.astype(np.uint8), "RGB") for k, v in images.items()}


def resize_shortest(img):
    w, h = img.size
    size = (IMAGE, int(IMAGE * h / w)) if w < h else (int(IMAGE * w / h), IMAGE)
    resized = img.resize(size, Image.Resampling.BICUBIC)
    left, top = (resized.width - IMAGE) // 2, (resized.height - IMAGE) // 2
    return resized.crop((left, top, left + IMAGE, top + IMAGE))


def resize_longest(img, fill=0):
    w, h = img.size
    ratio = max(w / IMAGE, h / IMAGE)
    size = (max(1, round(w / ratio)), max(1, round(h / ratio)))
    resized = img.resize(size, Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", (IMAGE, IMAGE), (fill, fill, fill))
    canvas.paste(resized, ((IMAGE - size[0]) // 2, (IMAGE - size[1]) // 2))
    return canvas


def to_pixels(img):
    t = torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1).float().div(255)
    return (t - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]


def floats(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def build_vit_b_32(out):
    """A ViT-B/32-sized CLIP (random weights, about 600 MB) in the Hugging Face layout, for timing only."""
    torch.manual_seed(SEED)
    tokenizer = Tokenizer(train_merges(CORPUS, MERGES))
    end_id = tokenizer.vocab[END]
    text = TextTower(49408, width=512, heads=8, layers=12, embed=512).eval()
    vision = VisionTower(width=768, heads=12, layers=12, image=224, patch=32, embed=512).eval()
    with torch.no_grad():
        ids = torch.tensor([tokenizer.context("a photo of a cat", end_id)[0]] * 2, dtype=torch.int64)
        export(HfText(text), (ids, torch.ones_like(ids)), f"{out}/text_model.onnx", ["input_ids", "attention_mask"], ["text_embeds"],
               {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
                "text_embeds": {0: "batch_size"}})
        export(HfVision(vision), (torch.randn(2, 3, 224, 224),), f"{out}/vision_model.onnx", ["pixel_values"], ["image_embeds"],
               {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}})
    with open(f"{out}/merges.txt", "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n" + "\n".join(f"{a} {b}" for a, b in tokenizer.merges) + "\n")
    write_json(f"{out}/vocab.json", tokenizer.vocab)
    write_json(f"{out}/preprocessor_config.json", {"crop_size": 224, "size": 224, "image_mean": MEAN, "image_std": STD, "resample": 3})
    print(f"wrote {out} (random weights, ViT-B/32 shapes: for timing only)")


def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "tests", "Retrieval.Models.Tests", "Clip", "Fixtures"))
    parser.add_argument("--preset", choices=["tiny", "vit-b-32"], default="tiny",
                        help="tiny: the committed test model and references; vit-b-32: full-size random weights for timing")
    parsed = parser.parse_args()
    out = os.path.abspath(parsed.out)
    if os.path.isdir(out):
        shutil.rmtree(out)
    if parsed.preset == "vit-b-32":
        build_vit_b_32(out)
        return
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)

    tokenizer = Tokenizer(train_merges(CORPUS, MERGES))
    vocab, start_id, end_id = tokenizer.vocab, tokenizer.vocab[START], tokenizer.vocab[END]
    merges_lines = [f"{a} {b}" for a, b in tokenizer.merges]
    text_tower = TextTower(len(vocab), WIDTH, HEADS, LAYERS, EMBED).eval()
    vision_tower = VisionTower(WIDTH, HEADS, LAYERS, IMAGE, PATCH, EMBED).eval()
    for module in vision_tower.modules():
        # Zero biases and sharper attention keep the class token from being dominated by constants,
        # so different images give clearly different embeddings (the parity tests mean something).
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.bias)
        if isinstance(module, Block):
            nn.init.normal_(module.qkv.weight, std=0.3)

    hf, oc = os.path.join(out, "hf"), os.path.join(out, "openclip")
    with torch.no_grad():
        ids2 = torch.tensor([tokenizer.context(t, end_id)[0] for t in TEXTS[:2]], dtype=torch.int64)
        export(HfText(text_tower), (ids2, torch.ones_like(ids2)), f"{hf}/text_model.onnx", ["input_ids", "attention_mask"],
               ["text_embeds", "last_hidden_state"],
               {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
                "text_embeds": {0: "batch_size"}, "last_hidden_state": {0: "batch_size", 1: "sequence_length"}})
        export(HfVision(vision_tower), (torch.randn(2, 3, IMAGE, IMAGE),), f"{hf}/vision_model.onnx", ["pixel_values"],
               ["image_embeds", "last_hidden_state"], {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"},
                                                       "last_hidden_state": {0: "batch_size"}})
        export(OpenClipText(text_tower), (ids2[:1].to(torch.int32),), f"{oc}/textual/model.onnx", ["text"], ["embedding"], None)
        export(OpenClipVision(vision_tower), (torch.randn(1, 3, IMAGE, IMAGE),), f"{oc}/visual/model.onnx", ["image"], ["embedding"], None)

    with open(f"{hf}/merges.txt", "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n" + "\n".join(merges_lines) + "\n")
    write_json(f"{hf}/vocab.json", vocab)
    write_json(f"{hf}/tokenizer_config.json", {"bos_token": START, "eos_token": END, "unk_token": END, "pad_token": END,
                                               "model_max_length": CONTEXT, "do_lower_case": True, "tokenizer_class": "CLIPTokenizer"})
    write_json(f"{hf}/preprocessor_config.json", {
        "crop_size": {"height": IMAGE, "width": IMAGE}, "do_center_crop": True, "do_convert_rgb": True, "do_normalize": True,
        "do_rescale": True, "do_resize": True, "image_mean": MEAN, "image_processor_type": "CLIPImageProcessor",
        "image_std": STD, "resample": 3, "rescale_factor": 1 / 255, "size": {"shortest_edge": IMAGE}})
    write_json(f"{hf}/config.json", {"model_type": "clip", "projection_dim": EMBED,
                                     "text_config": {"hidden_size": WIDTH, "max_position_embeddings": CONTEXT, "vocab_size": len(vocab),
                                                     "bos_token_id": start_id, "eos_token_id": end_id, "pad_token_id": end_id},
                                     "vision_config": {"hidden_size": WIDTH, "image_size": IMAGE, "patch_size": PATCH}})
    write_json(f"{oc}/config.json", {"embed_dim": EMBED, "vision_cfg": {"image_size": IMAGE, "layers": LAYERS, "width": WIDTH, "patch_size": PATCH},
                                     "text_cfg": {"context_length": CONTEXT, "vocab_size": len(vocab), "width": WIDTH, "heads": HEADS, "layers": LAYERS}})
    write_json(f"{oc}/textual/tokenizer_config.json", {"bos_token": START, "eos_token": END, "unk_token": END, "pad_token": "!",
                                                       "model_max_length": CONTEXT})
    write_json(f"{oc}/textual/tokenizer.json", {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
                          "special": True} for t, i in ((START, start_id), (END, end_id))],
        "model": {"type": "BPE", "dropout": None, "unk_token": END, "continuing_subword_prefix": "", "end_of_word_suffix": "</w>",
                  "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges_lines}})
    write_json(f"{oc}/visual/preprocess_cfg.json", {"size": [IMAGE, IMAGE], "mode": "RGB", "mean": MEAN, "std": STD,
                                                    "interpolation": "bicubic", "resize_mode": "shortest", "fill_color": 0})

    write_width16_vision(f"{out}/broken/vision_model_width16.onnx")

    reference = {"seed": SEED, "context_length": CONTEXT, "embed_dim": EMBED, "image_size": IMAGE, "vocab_size": len(vocab),
                 "start_id": start_id, "end_id": end_id, "texts": [], "images": [], "resizes": []}
    with torch.no_grad():
        for text in TEXTS:
            end_pad, length = tokenizer.context(text, end_id)
            zero_pad, _ = tokenizer.context(text, 0)
            mask = torch.tensor([[1] * length + [0] * (CONTEXT - length)])
            hf_embed = text_tower(torch.tensor([end_pad]), mask)[0]
            oc_embed = OpenClipText(text_tower)(torch.tensor([zero_pad], dtype=torch.int32))
            reference["texts"].append({"text": text, "bpe_ids": tokenizer.encode(text), "ids_end_padded": end_pad, "ids_zero_padded": zero_pad,
                                       "hf_text_embeds": floats(hf_embed), "openclip_embedding": floats(oc_embed)})

        images = make_images()
        os.makedirs(f"{out}/images", exist_ok=True)
        for name, img in images.items():
            img.save(f"{out}/images/{name}.png", optimize=True)
        cases = [(n, "shortest", images[n]) for n in ("gradient", "checker", "noise", "rings", "bars")]
        for n in ("wide", "tall", "small"):
            cases += [(n, "shortest", resize_shortest(images[n])), (n, "longest", resize_longest(images[n])),
                      (n, "squash", images[n].resize((IMAGE, IMAGE), Image.Resampling.BICUBIC))]
        os.makedirs(f"{out}/preprocessed", exist_ok=True)
        for name, mode, prepared in cases:
            entry = {"file": f"images/{name}.png", "resize_mode": mode}
            if prepared is not images[name]:
                entry["preprocessed"] = f"preprocessed/{name}_{mode}.png"
                prepared.save(f"{out}/{entry['preprocessed']}", optimize=True)
            pixels = to_pixels(prepared)[None]
            entry["hf_image_embeds"] = floats(vision_tower(pixels)[0])
            entry["openclip_embedding"] = floats(OpenClipVision(vision_tower)(pixels))
            reference["images"].append(entry)

        os.makedirs(f"{out}/resized", exist_ok=True)
        filters = {"bicubic": Image.Resampling.BICUBIC, "bilinear": Image.Resampling.BILINEAR, "lanczos": Image.Resampling.LANCZOS}
        for name, (w, h) in (("wide", (43, 32)), ("tall", (19, 32)), ("small", (49, 32)), ("wide", (50, 20)), ("noise", (13, 45))):
            for fname, f in filters.items():
                path = f"resized/{name}_{w}x{h}_{fname}.png"
                images[name].resize((w, h), f).save(f"{out}/{path}", optimize=True)
                reference["resizes"].append({"source": f"images/{name}.png", "width": w, "height": h, "filter": fname, "expected": path})

        texts = torch.tensor([e["hf_text_embeds"] for e in reference["texts"]])
        imgs = torch.tensor([e["hf_image_embeds"] for e in reference["images"]])
        for label, m in (("texts", F.normalize(texts, dim=-1)), ("images", F.normalize(imgs, dim=-1))):
            cos = m @ m.T - 2 * torch.eye(len(m))
            print(f"max cosine between different {label}: {cos.max().item():.4f}")
    write_json(f"{out}/reference.json", reference)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    print(f"wrote {out}: vocabulary {len(vocab)} tokens, {len(merges_lines)} merges, {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
