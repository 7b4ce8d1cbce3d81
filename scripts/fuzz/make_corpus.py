"""Dev-only: writes the image part of the fuzz corpus (scripts/fuzz/corpus/).

Small crops of data/flower_image.jpg in the JPEG and PNG variants our
decoders must handle: baseline and progressive, 4:2:0 and 4:4:4, grayscale
and CMYK JPEGs; gray, gray+alpha, RGB, RGBA, 16-bit, palette and
interlaced (Adam7) PNGs. Run with Debian's python3-pil:

    /usr/bin/python3 scripts/fuzz/make_corpus.py
"""
from pathlib import Path
from PIL import Image

root = Path(__file__).resolve().parents[2]
out = root / "scripts" / "fuzz" / "corpus"
out.mkdir(exist_ok=True)
img = Image.open(root / "data" / "flower_image.jpg").convert("RGB")
crop = img.crop((200, 200, 248, 236))  # 48 x 36

crop.save(out / "baseline_420.jpg", quality=75)
crop.save(out / "progressive_444.jpg", quality=90, progressive=True, subsampling=0)
crop.convert("L").save(out / "gray.jpg", quality=80)
crop.convert("CMYK").save(out / "cmyk.jpg", quality=80)
crop.resize((17, 13)).save(out / "odd_size_422.jpg", quality=60, subsampling=1)

crop.convert("L").save(out / "gray8.png")
crop.convert("LA").save(out / "gray_alpha.png")
crop.save(out / "rgb.png")
crop.convert("RGBA").save(out / "rgba_interlaced.png", interlace=1)
crop.convert("P", palette=Image.ADAPTIVE, colors=16).save(out / "palette.png")
crop.convert("L").convert("I").point(lambda v: v * 257).convert("I;16").save(out / "gray16.png")
crop.convert("1").save(out / "bilevel.png")
for f in sorted(out.iterdir()):
    print(f.name, f.stat().st_size)

# Pillow's grayscale of each file (convert("L")), the reference of
# tests/fuzz_test.ts. Pillow clips I;16 to 255 on convert("L"), so the
# 16-bit file's reference is the 8-bit one it was made from (v * 257).
import json
import numpy as np

ref = {}
for f in sorted(out.iterdir()):
    src = out / "gray8.png" if f.name == "gray16.png" else f
    a = np.asarray(Image.open(src).convert("L"), dtype=np.float64)
    ref[f.name] = {"width": a.shape[1], "height": a.shape[0], "mean": a.mean()}
(root / "tests" / "fixtures" / "pil_corpus_gray.json").write_text(json.dumps(ref, indent=1) + "\n")
