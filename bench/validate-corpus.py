#!/usr/bin/env python3
"""Writes a corpus of payloads for bench/validate-throughput.sh, varied from the fixtures.

    validate-corpus.py FIXTURES_DIR OUT_DIR COUNT [SEED]

OUT_DIR/{request,properties,response}/doc-NNNNN.json: about 40 % requests, 40 % session documents, 20 % property
bags. Each starts from a fixture (a valid one seven times in ten, an invalid one otherwise) and is varied: new
custom data of random size, more members (answers: members keyed by index, up to 40; requests: reservations), other
xuids, sometimes one value replaced by one of another type. The verdict is left to the validators: the benchmark
compares theirs. Nothing here makes JSON the two parsers read differently (duplicate keys, lone surrogates, numbers
beyond a double), so every disagreement is a validator's.
"""
import copy
import json
import os
import random
import sys

fixtures, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 11)
KINDS = [("request", 0.4), ("response", 0.4), ("properties", 0.2)]


def load(kind, verdict):
    folder = os.path.join(fixtures, kind, verdict)
    docs = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            try:
                with open(os.path.join(folder, name), encoding="utf-8-sig") as f:
                    docs.append(json.load(f))
            except ValueError:
                pass  # not JSON on purpose: the benchmark compares validators, not parsers
    return docs


pools = {kind: (load(kind, "valid"), load(kind, "invalid")) for kind, _ in KINDS}


def words():
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(rng.randint(3, 40)))


def custom(depth=0):
    """Title data: any JSON (the schemas accept anything under custom)."""
    roll = rng.random()
    if depth < 3 and roll < 0.35:
        return {f"k{rng.randint(0, 999)}": custom(depth + 1) for _ in range(rng.randint(1, 8))}
    if depth < 3 and roll < 0.5:
        return [custom(depth + 1) for _ in range(rng.randint(0, 6))]
    return rng.choice([words(), rng.randint(-10**9, 10**9), round(rng.uniform(-1e6, 1e6), 3), True, False, None])


def xuid():
    return str(rng.randint(2814600000000000, 2814699999999999))


def vary_customs(node):
    if isinstance(node, dict):
        for key in list(node):
            if key == "custom" and rng.random() < 0.7:
                node[key] = custom()
            else:
                vary_customs(node[key])
    elif isinstance(node, list):
        for item in node:
            vary_customs(item)


def grow_members(kind, doc):
    members = doc.get("members")
    if not isinstance(members, dict):
        return
    if kind == "response":
        indexed = [k for k in members if k.isdigit()]
        if not indexed or not isinstance(members[indexed[0]], dict):
            return
        template = members[indexed[0]]
        start = max(int(k) for k in indexed) + 1
        extra = rng.randint(0, 40)
        for i in range(start, start + extra):
            member = copy.deepcopy(template)
            constants = member.get("constants")
            system = constants.get("system") if isinstance(constants, dict) else None
            if isinstance(system, dict) and isinstance(system.get("xuid"), str):
                system["xuid"] = xuid()
            members[str(i)] = member
        info = doc.get("membersInfo")
        if isinstance(info, dict) and extra:
            if isinstance(info.get("next"), int):
                info["next"] = start + extra
            if isinstance(info.get("count"), int):
                info["count"] += extra
    else:
        taken = {k for k in members if k.startswith("reserve_")}
        for i in range(rng.randint(0, 12)):
            key = f"reserve_{i}"
            if key not in taken:
                members[key] = {"constants": {"system": {"xuid": xuid(), "initialize": rng.random() < 0.5}}}


def leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, path + (i,))
    else:
        yield path


def retype(doc):
    """One value replaced by one of another type: usually a violation, sometimes (under custom) not."""
    paths = [p for p in leaves(doc) if p]
    if not paths:
        return
    path = rng.choice(paths)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    old = parent[path[-1]]
    choices = [v for v in ("text", 17, -3, True, None, [], {}) if type(v) is not type(old)]
    parent[path[-1]] = rng.choice(choices)


for n in range(count):
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    valid, invalid = pools[kind]
    base = rng.choice(valid if rng.random() < 0.7 or not invalid else invalid)
    doc = copy.deepcopy(base)
    if isinstance(doc, dict):
        vary_customs(doc)
        grow_members(kind, doc)
        if rng.random() < 0.15:
            retype(doc)
    folder = os.path.join(out, kind)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"doc-{n:05d}.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=rng.choice([None, 2]), ensure_ascii=False)
