"""The app's interactive parts (Solara components): the parameter panels, the run comparison and
the firm inspector.

:func:`ScenarioControls` draws the panels of :func:`sim.viz.controls.groups` and keeps the
values the user changed (scenario path → value) in a reactive mapping; *Reset* builds the next
model from it. Only values that differ from the scenario file are kept, so an untouched panel
adds nothing to the scenario.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import solara

from sim.config import Scenario
from sim.viz import firms, views
from sim.viz.controls import Control, Group, groups, mechanism_group

RENDER = {"format": "png"}
SELECTED = solara.reactive(None)
"""The firm (row) the inspector shows; a Solara reactive has one value per browser session."""


def show(fig) -> None:
    """Render a matplotlib figure as an image (re-rendered on every step)."""
    solara.FigureMatplotlib(fig, **RENDER)


def show_clickable(fig, on_click: Callable[[float, float], None]) -> None:
    """Render a figure as an ``<img>`` at its own pixel size; a click calls ``on_click(x, y)``
    with the pixel from the top left (what the browser reports as the click's offset)."""
    png = io.BytesIO()
    fig.savefig(png, **RENDER)
    width, height = (fig.get_size_inches() * fig.dpi).round().astype(int)
    src = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    img = solara.v.Html(
        tag="img",
        attributes={"src": src, "width": str(width), "height": str(height)},
        style_="cursor: crosshair",
        class_="msme-clickable",
    )

    def clicked(widget, event, data) -> None:
        if isinstance(data, dict) and "offsetX" in data:
            on_click(float(data["offsetX"]), float(data["offsetY"]))

    solara.v.use_event(img, "click", clicked)


def NetworkView(model):
    """Headline numbers and the firm network by village; clicking a firm selects it."""
    selected = SELECTED.value
    fig = views.network_figure(model, highlight=selected)

    def pick(x: float, y: float) -> None:
        row = views.firm_at(model, fig, x, y)
        if row is not None:
            SELECTED.set(row)

    with solara.Column(classes=["msme-network"]):
        # Plain text: solara.Markdown would load KaTeX, which the offline assets lack.
        solara.Text(views.summary_text(model), classes=["msme-summary"], style="font-weight: 500")
        show_clickable(fig, pick)


def changed(values: dict[str, Any], control: Control, value: Any) -> dict[str, Any]:
    """``values`` with ``control`` set to ``value``; a value back at the scenario's is dropped.

    Picking a variant drops the mechanism's other settings: the new variant starts from its
    own defaults (or the scenario's values, when it is the scenario's variant)."""
    out = dict(values)
    if control.path.endswith(".use"):
        prefix = control.path[: -len("use")]
        out = {k: v for k, v in out.items() if not k.startswith(prefix) or k.endswith(".enabled")}
    if value == control.value:
        out.pop(control.path, None)
    else:
        out[control.path] = value
    return out


@solara.component
def ControlInput(control: Control, values: dict, on_values: Callable[[dict], None]):
    """One input: a checkbox, a choice, or a slider whose label shows its value and unit."""
    value = values.get(control.path, control.value)

    def set_value(new: Any) -> None:
        if control.kind == "float":
            new = float(new) * control.scale
        on_values(changed(values, control, new))

    if control.kind == "bool":
        solara.Checkbox(label=control.label, value=bool(value), on_value=set_value)
    elif control.kind == "choice":
        solara.Select(control.label, values=list(control.choices), value=value, on_value=set_value)
    else:
        slider = solara.SliderInt if control.kind == "int" else solara.SliderFloat
        # The label goes above the slider: long keys and units would squeeze it.
        solara.Text(
            f"{control.label}: {control.shown(value)}",
            classes=["msme-slider-label"],
            style="font-size: 0.85em",
        )
        with solara.Tooltip(control.doc or control.label):
            slider(
                "",
                value=value / control.scale,
                min=control.min / control.scale,
                max=control.max / control.scale,
                step=control.step / control.scale,
                on_value=set_value,
            )


def _status(group: Group, values: dict[str, Any]) -> str:
    """The panel header's summary: on/off, the variant, how many settings changed."""
    parts = []
    if group.switch is not None:
        parts.append("on" if values.get(group.switch.path, group.switch.value) else "off")
    if group.picker is not None and len(group.picker.choices) > 1:
        parts.append(values.get(group.picker.path, group.picker.value))
    edits = sum(1 for c in group.controls if c.path in values)
    if edits:
        parts.append(f"{edits} changed")
    return " · ".join(parts)


@solara.component
def ScenarioControls(scenario: Scenario, values: dict, on_values: Callable[[dict], None]):
    """Collapsible panels: the run, each mechanism (with its plugin's), each policy; ``values``
    are the changed settings, ``on_values`` receives them after every change."""
    panels = solara.use_memo(lambda: groups(scenario), [scenario])
    current = values
    solara.Text(
        f"{len(current)} setting(s) changed from {scenario.name}; Reset applies them."
        if current
        else f"Settings of {scenario.name}; change any, then press Reset.",
        classes=["msme-pending"],
    )
    opened, set_opened = solara.use_state([])  # only open panels draw their inputs (speed)
    with solara.v.ExpansionPanels(v_model=opened, on_v_model=set_opened, multiple=True):
        for index, group in enumerate(panels):
            use = current.get(group.picker.path) if group.picker is not None else None
            if use is not None:
                group = mechanism_group(group.name, scenario, use)
            with solara.v.ExpansionPanel():
                with solara.v.ExpansionPanelHeader(class_="msme-panel"):
                    solara.Text(f"{group.title} ({group.origin})")
                    solara.Text(_status(group, current), style="color: #777; font-size: 0.8em")
                with solara.v.ExpansionPanelContent():
                    for control in group.controls if index in opened else ():
                        ControlInput(control, values, on_values)
                    if group.fixed and index in opened:
                        solara.Text(f"Set in the scenario file: {', '.join(group.fixed)}")
    if current:
        solara.Button("Back to the scenario's values", text=True, on_click=lambda: on_values({}))


def ComparisonView(model):
    """An outcome (picked from the run's catalogue) of this run and of the last run with other
    settings (the session's run history)."""
    catalogue = model.catalogue()
    name, set_name = solara.use_state(views.COMPARED)
    labels = {o.label: key for key, o in catalogue.items()}
    runs = model.runs
    previous = runs.previous.model.monthly() if runs.previous is not None else None
    with solara.Column(classes=["msme-comparison"]):
        solara.Select(
            "compare",
            values=sorted(labels),
            value=catalogue[name].label if name in catalogue else None,
            on_value=lambda label: set_name(labels[label]),
        )
        show(views.comparison_figure(model.monthly(), previous, runs.changes(), catalogue, name))


HEADERS = [{"text": name, "value": name} for name in firms.TABLE_COLUMNS]


def FirmInspector(model):
    """A village's firms as a table; clicking a row (or a firm in the network view) shows
    every column of that firm."""
    village, set_village = solara.use_state(0)
    selected = SELECTED.value
    village = min(village, model.villages.count - 1)
    with solara.Column(classes=["msme-firms"], style="max-height: 100%; overflow: auto"):
        solara.SliderInt(
            f"Village: {village}",
            value=village,
            min=0,
            max=model.villages.count - 1,
            on_value=set_village,
        )
        table = solara.v.DataTable(
            headers=HEADERS,
            items=firms.village_firms(model, village),
            items_per_page=5,
            dense=True,
            class_="msme-firm-table",
        )
        solara.v.use_event(table, "click:row", lambda *args: SELECTED.set(int(args[2]["firm"])))
        if selected is None or selected >= model.state.n:
            solara.Text("Click a firm (here or in the network) to see its state.")
            return
        solara.Text(f"Firm {selected} in month {model.month}", style="font-weight: 500")
        solara.v.DataTable(
            headers=[{"text": k, "value": k} for k in ("column", "value", "unit", "meaning")],
            items=firms.firm_state(model, selected),
            items_per_page=-1,
            hide_default_footer=True,
            dense=True,
            class_="msme-firm-state",
        )
