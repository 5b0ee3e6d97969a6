"""Labelling throughput: synthetic bilingual patents and standards through Classifier.predict.

Run: ``.venv/bin/python benchmarks/bench_classify.py [--docs 20000] [--jobs 1 2]``. Writes its figures
into docs/benchmarks.md between the ``classify`` markers (the rest of that file is left alone).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classify.model import Classifier  # noqa: E402
from vrscope.labelling import BATCH, label_file, start_pool  # noqa: E402
from vrscope.records import Patent, Standard  # noqa: E402

START, END = "<!-- classify:start -->", "<!-- classify:end -->"
# Generic words, with taxonomy terms mixed in at about one word in ten, as in real abstracts.
ZH_WORDS = ("本发明 公开 一种 方法 装置 系统 包括 用于 提高 降低 所述 第一 第二 模块 单元 设置 "
            "连接 获取 根据 "
            "信息 数据 处理 传输 控制 结构 实现 通过 其中 以及 进行 确定 生成 输出 输入 用户 设备 图像 信号 "
            "电路 基板 材料 组件 区域 位置 方向 时间 效率 成本 质量 结果 参数 模型 网络 终端 服务器").split()
ZH_TERMS = ("近眼显示 光波导 头戴式显示设备 眼动追踪 注视点渲染 全景视频 虚拟现实 增强现实 混合现实 手势识别 "
            "三维重建 云渲染 虚拟人 微显示 折叠光路 电池 鞋底 发动机").split()
EN_WORDS = ("a an the of and to in for with on by from that which is are be method device system apparatus "
            "comprising including configured first second unit module data information signal processing "
            "control user image frame output input based plurality least one portion surface layer light "
            "source circuit network terminal server time position direction value parameter model result "
            "receive determine generate provide present disclosure embodiment example structure "
            "material").split()
EN_TERMS = ("head-mounted display|waveguide|eye tracking|foveated rendering|panoramic video|virtual reality|"
            "augmented reality|mixed reality|gesture recognition|3D reconstruction|cloud rendering|avatar|"
            "micro-OLED|pancake lens|battery|shoe sole|engine cylinder").split("|")


def _words(rnd: random.Random, words: list[str], terms: list[str], n: int, sep: str) -> str:
    """n words, about one in ten a taxonomy (or off-topic) term."""
    return sep.join(rnd.choice(terms) if rnd.random() < 0.1 else rnd.choice(words) for _ in range(n))


CPC = ["G02B27/0172", "G06F3/013", "G06T19/006", "H04N19/597", "G06T15/005", "H01M4/38", "A43B13/18",
       "F16D55/22", "H04N13/344", "G06V40/20"]


def synthetic(n: int, seed: int = 0) -> list[Patent | Standard]:
    """n bilingual documents: patents (zh+en title and abstract, CPC) and standards (title, scope, ICS)."""
    rnd = random.Random(seed)
    docs: list[Patent | Standard] = []
    for i in range(n):
        zh_title = _words(rnd, ZH_WORDS, ZH_TERMS, 8, "")
        zh_abs = _words(rnd, ZH_WORDS, ZH_TERMS, 90, "") + "。"
        en_title = _words(rnd, EN_WORDS, EN_TERMS, 9, " ")
        en_abs = _words(rnd, EN_WORDS, EN_TERMS, 130, " ") + "."
        if i % 4:
            docs.append(Patent(id=f"CN{100000000 + i}A", source="bench", jurisdiction="CN",
                               titles={"zh": zh_title, "en": en_title},
                               abstracts={"zh": zh_abs, "en": en_abs},
                               cpc=rnd.sample(CPC, 2)))
        else:
            docs.append(Standard(id=f"GB/T {10000 + i}-2024", source="bench", title_zh=zh_title,
                                 title_en=en_title, abstract=en_abs, ics=["35.240"]))
    return docs


def as_lines(docs: list[Patent | Standard]) -> list[str]:
    """The documents as `vrscope label` input lines (patent- and standard-shaped JSON)."""
    out = []
    for d in docs:
        if isinstance(d, Patent):
            row = {"id": d.id, "title": d.titles, "abstract": d.abstracts, "cpc": d.cpc}
        else:
            row = {"id": d.id, "title_zh": d.title_zh, "title_en": d.title_en, "abstract_en": d.abstract,
                   "ics": d.ics}
        out.append(json.dumps(row, ensure_ascii=False))
    return out


def measure(clf: Classifier, model_dir: Path, docs: list[Patent | Standard], jobs: int,
            batch: int = 2000) -> tuple[float, float]:
    """(documents per wall-clock second, documents per CPU second of all processes involved).

    One process labels records; several run `vrscope label --jobs N`'s code (label_file with a
    worker pool: parse, label, JSON output written in input order). On a machine shared with other
    work the wall-clock figure drops with the load; the CPU figure does not, and ``jobs`` × it is
    what ``jobs`` idle cores would give if the work splits evenly.
    """
    if jobs == 1:
        clf.predict(docs[:batch])  # warm up (jieba dictionary, vocabularies)
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(docs), batch):
            clf.predict(docs[i:i + batch])
        return len(docs) / (time.perf_counter() - started), len(docs) / (time.process_time() - cpu)
    lines = list(enumerate(as_lines(docs), start=1))
    with start_pool(jobs, model_dir) as pool, open(os.devnull, "w", encoding="utf-8") as sink:
        label_file(clf, lines[:200 * jobs], sink, pool=pool, batch_size=200)  # warm up the workers
        started, cpu = time.perf_counter(), time.process_time()
        summary = label_file(clf, lines, sink, pool=pool)  # `vrscope label --jobs N`'s batches
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu + summary.worker_cpu
        return summary.labelled / wall, summary.labelled / cpu


def write_section(path: Path, body: str) -> None:
    """Replace (or append) the classify section of docs/benchmarks.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = f"{START}\n{body.rstrip()}\n{END}"
    if START in text and END in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Train a small model on synthetic data, save it, and measure labelling throughput."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20_000, help="documents to label")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker processes to try")
    parser.add_argument("--model-dir", type=Path, default=ROOT / "var" / "bench-model",
                        help="scratch model dir")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    docs = synthetic(args.docs)
    clf = Classifier.train(docs[:1500])
    clf.save(args.model_dir, card=False)
    clf = Classifier.load(args.model_dir)
    chars = sum(len(t) for d in docs[:1000] for t in d.texts().values()) / 1000
    load_before = os.getloadavg()[0]
    rates = {jobs: measure(clf, args.model_dir, docs, jobs) for jobs in args.jobs}
    lines = ["## Classifier", "",
             f"`benchmarks/bench_classify.py --docs {args.docs}`: synthetic bilingual documents (3/4 patents "
             f"with zh+en title and abstract and CPC codes, 1/4 standards; about one word in ten a taxonomy "
             f"or off-topic term), {chars:.0f} characters each on "
             f"average, labelled in batches of 2,000 with `Classifier.predict` (weak labels, features, "
             f"calibrated scores, thresholds). Machine: {os.cpu_count()} CPU(s), Python "
             f"{platform.python_version()}.", "",
             "| worker processes | documents/s (wall clock) | documents per CPU-second | "
             "× processes (idle cores) |", "|---:|---:|---:|---:|"]
    lines += [f"| {jobs} | {wall:,.0f} | {cpu:,.0f} | {jobs * cpu:,.0f} |"
              for jobs, (wall, cpu) in rates.items()]
    best_wall = max(wall for wall, _ in rates.values())
    two_cores = 2 * rates[max(rates)][1]  # the most-processes row: JSON parsing and the parent included
    verdict = "meets" if best_wall >= 5000 else "does not meet"
    lines += ["", f"Target: ≥ 5,000 documents/s on 2 cores. Best wall-clock figure here: {best_wall:,.0f}/s, "
              f"which {verdict} it; CPU cost per document gives {two_cores:,.0f}/s on two idle cores "
              f"(2 × documents per CPU-second of the {max(rates)}-process row, parent process included). "
              "Load average (1 min) "
              f"before measuring {load_before:.1f}, after {os.getloadavg()[0]:.1f}: on a shared machine "
              "the wall-clock figures are lower bounds. The two-process rows run `vrscope label --jobs 2`'s "
              f"code (label_file with a worker pool: batches of {BATCH} JSON lines parsed and labelled in "
              "the workers, output lines written in input order by the parent). Per document, one process: "
              "weak labels (taxonomy terms by Aho-Corasick over text and title, code maps, hint tokens) "
              "~45%, word features (jieba and plain-word segmentation; words, word pairs and CJK bigrams "
              "looked up without scikit-learn's per-token loop) ~40%, scores and labels ~6%; a worker "
              "adds JSON parsing and records (~7% of its time) and output lines (~8%)."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section(ROOT / "docs" / "benchmarks.md", body)


if __name__ == "__main__":
    main()
