"""Checks of the dossier's sections (pack.yaml `dossier[i].sections`): each names a « ## »
heading of its document, every heading of a cut document is named, the simulations and
formats named exist, and each simulation has a section of its own (its campaign sheet), so
that a CCP session receives what its simulations use."""

from __future__ import annotations

from server.scenarios.pack.sections import headings
from server.scenarios.pack.validation import PACK_FILE, PackParts, Problems, duplicates


def check_sections(parts: PackParts, out: Problems) -> None:
    head = parts.head
    if head is None:
        return
    f = parts.file(PACK_FILE)
    texts = {path.name: doc.text for path, doc in parts.dossier}
    declared = {u.format for u in head.formats}
    simulation_ids = {s.id for _, s in parts.simulations}
    named: set[str] = set()
    cut_by_simulation = False
    for i, entry in enumerate(head.dossier):
        if not entry.sections:
            continue
        at = f"dossier[{i}].sections"
        text = texts.get(entry.file)
        found = headings(text) if text is not None else []
        listed = [u.heading for u in entry.sections]
        for heading in sorted(duplicates(found)):
            out.add(f, at, f"{entry.file} a deux sections « {heading} » : renommez l'une d'elles")
        for j, use in enumerate(entry.sections):
            where = f"{at}[{j}]"
            if text is not None and use.heading not in found:
                out.add(
                    f,
                    f"{where}.heading",
                    f"section introuvable dans {entry.file} : « {use.heading} » (sections du "
                    f"document : {' ; '.join(found) or 'aucune'})",
                )
            if use.heading in duplicates(listed):
                out.add(f, f"{where}.heading", f"section « {use.heading} » déclarée deux fois")
            for k, sid in enumerate(use.simulations):
                named.add(sid)
                cut_by_simulation = True
                if parts.simulations_parsed and sid not in simulation_ids:
                    out.add(f, f"{where}.simulations[{k}]", f"simulation inconnue {sid}")
            for k, fid in enumerate(use.formats):
                if fid not in declared:
                    out.add(f, f"{where}.formats[{k}]", f"format {fid} non déclaré par le pack")
        for heading in found:
            if heading not in listed:
                out.add(
                    f,
                    at,
                    f"section « {heading} » de {entry.file} non déclarée : dites quelles "
                    "simulations ou quels formats elle sert (sans l'un ni l'autre : tous)",
                )
    if not cut_by_simulation:
        return
    for _, sim in parts.simulations:
        if sim.id not in named:
            out.add(
                f,
                "dossier",
                f"la simulation {sim.id} n'est rattachée à aucune section du dossier : une "
                "session qui la joue sans le reste du sujet n'en recevrait pas la fiche",
            )
