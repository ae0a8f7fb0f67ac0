#!/usr/bin/env python3
"""Fills in the code hashes of the demo DPIA register (functions/SignalPipeline.Functions/config/dpia-register.json)
from the model sources, the way Models/CodeHash.cs computes them. A developer who changes a model runs this and
commits the register with the change: the diff shows the reviewer which approvals the change touches.
Usage: tools/dpia_register.py [--check]"""
import hashlib, json, re, sys, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
models = root / "analysis/SignalPipeline.Analysis/Models"
register = root / "functions/SignalPipeline.Functions/config/dpia-register.json"
files = {"OVB": ["OvbModel.cs"], "NWF": ["NwfModel.cs"], "ONG": ["OngModel.cs"], "BRF": ["BrfModel.cs"], "HHC": ["HhcModel.cs"],
         "BIB": ["BibModel.cs"], "CTL": ["CtlModel.cs"], "ANO": ["Ano/AnoModel.cs", "Ano/AnoFeatures.cs", "Ano/PcaAnomalyScorer.cs"]}

def code_hash(names):
    text = ""
    for name in sorted(names):
        content = (models / name).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        text += name + "\n" + content + "\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

source = register.read_text(encoding="utf-8")
changed = []
def fill(match):
    block = match.group(0)
    model = re.search(r'"id":\s*"([A-Z]+)"', block).group(1)
    want = code_hash(files[model])
    have = re.search(r'"code_hash":\s*"([0-9a-f]*)"', block)
    if have and have.group(1) != want:
        changed.append(model)
        return block.replace(have.group(0), f'"code_hash": "{want}"')
    return block
updated = re.sub(r'\{\s*"id":\s*"[A-Z]+".*?"code_hash":\s*"[0-9a-f]*"', fill, source, flags=re.S)
if "--check" in sys.argv:
    print("stale code hashes: " + ", ".join(changed) if changed else "code hashes match the sources")
    sys.exit(1 if changed else 0)
register.write_text(updated, encoding="utf-8")
print("updated: " + ", ".join(changed) if changed else "code hashes already match the sources")
