"""The symptom explorer dashboard (``02-symptom-explorer``).

Widgets layer: composes the rule model (``model``) and the figures
(``figures``). Output order (issues 4 and 12): emergency banner (emergency tier
only), leading pain type in one sentence (or "none of the three fits well"),
what to do (the urgency tier with the rules behind it), the safety net, the
conditions to consider, bar chart, body map, "why" table, next steps,
disclaimer, links to the anatomy dashboard.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import ipywidgets as widgets
import traitlets

from ..ui.components import DetailToggle, Disclaimer, ErrorPanel, claim_html, claims_section, guarded, page_style
from ..ui.glossary import with_glossary
from . import model
from .figures import BodyMap, ScoreChart, body_summary, score_summary
from .model import PAIN_TYPES, SYMPTOMS, Assessment, assess

__all__ = ["SymptomExplorer", "parse_age", "weights_table"]

#: Claims shown next to the part of the page they explain.
TYPE_CLAIMS = ("A05", "N09", "N17", "A06", "A07", "N10", "N15", "N16", "A08")
WARNING_CLAIMS = ("N05",)
CONTEXT_CLAIMS = ("A04", "N08")
STEP_CLAIMS = ("A10", "A11", "N03", "N11", "A12", "N01", "N02", "A13", "N04", "N14", "N18", "N19", "A14", "N12", "N07")

#: Age box text: a number, optionally followed by "years", "yrs", "y" (any case).
_AGE_TEXT = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*(?:years?|yrs?|y)?(?:\s*old)?\.?", re.IGNORECASE)

#: Longest scenario value we look at (longer input is cut before parsing).
_MAX_PARAM = 2000

_CSS = """
<style>
.rb-sx h3{font-size:1.1em;margin:0.8em 0 0.2em 0}
.rb-sx-help{color:#333;font-size:0.92em;margin:0 0 0.3em 0;line-height:1.4}
.rb-sx .widget-html-content{line-height:1.4}
.rb-redflag{border:4px solid #B00020;background:#FDECEE;color:#5C0011;font-size:1.1em}
.rb-redflag strong.rb-big{font-size:1.25em;display:block;margin-bottom:0.3em}
.rb-urg{border-left:8px solid #555;background:#F4F4F4;color:#1A1A1A}
.rb-urg-see_doctor_now{border-left-color:#C75000;background:#FDF1E8}
.rb-safety{border:3px solid #B00020;background:#FFF7F7;color:#1A1A1A;padding:0.4em 0.6em;border-radius:6px;margin:0.4em 0}
.rb-consider{border:2px solid #555;background:#FAFAFA;color:#1A1A1A;padding:0.4em 0.6em;border-radius:6px;margin:0.4em 0}
.rb-safety ul,.rb-consider ul,.rb-urg ul{margin:0.3em 0 0 1.2em;padding:0}
.rb-age-error{color:#B00020;font-weight:700}
.rb-urg-see_doctor{border-left-color:#0072B2;background:#EEF5FB}
.rb-urg-self_care{border-left-color:#00603F;background:#EEF8F3}
.rb-flag-pointer{border:3px solid #B00020;background:#FDECEE;color:#5C0011;padding:0.4em 0.6em;border-radius:6px;margin:0.4em 0}
.rb-lead{font-size:1.1em;margin:0.4em 0;line-height:1.4}
.rb-why{border-collapse:collapse;width:100%;max-width:100%;table-layout:fixed;font-size:0.95em}
.rb-why col.c1{width:33%}.rb-why col.c2{width:30%}.rb-why col.c3{width:18%}.rb-why col.c4{width:19%}
.rb-why caption{text-align:left;font-weight:700;margin-bottom:0.3em}
.rb-why th,.rb-why td{border:1px solid #BBB;padding:0.25em 0.3em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.rb-why th{background:#F0F0F0}
.rb-steps li{margin-bottom:0.35em}
.rb-src-ids{color:#444;font-size:0.9em}
.rb-sx a{color:#004C7A;font-weight:600}
.rb-sx .widget-checkbox{height:auto;min-height:28px}
.rb-sx .widget-checkbox label{white-space:normal;line-height:1.3}
</style>
"""

#: Presenter mode (dark page): keep every text readable on the dark background.
_PRESENT_CSS = """
<style>
.rb-sx-help,.rb-src-ids{color:#DDDDDD !important}
.rb-why th{background:#333 !important;color:#fff !important}
.rb-sx a{color:#9FD3FF !important}
.rb-urg, .rb-redflag, .rb-safety, .rb-consider{color:#1A1A1A !important}
.rb-urg *, .rb-redflag *, .rb-safety *, .rb-consider *{color:#1A1A1A !important}
.rb-age-error{color:#FFB4B4 !important}
</style>
"""


def _css() -> str:
    from ..ui.theme import presenter_mode

    return _CSS + (_PRESENT_CSS if presenter_mode() else "")


_COLS = '<colgroup><col class="c1"><col class="c2"><col class="c3"><col class="c4"></colgroup>'


def parse_age(text: str) -> float | None:
    """Age box text -> years (``None`` when empty); ValueError in plain words otherwise."""
    s = (text or "").strip()
    if not s:
        return None
    # "34", "34 years", "34 yrs", "34y", "34,5": a number, optionally followed by a unit in years.
    m = _AGE_TEXT.fullmatch(s)
    try:
        if m is None:
            raise ValueError(s)
        value = float(m.group(1).replace(",", "."))
    except ValueError:
        raise ValueError(
            f"age must be a number of years from {model.AGE_MIN} to {model.AGE_MAX}, or left empty "
            f"(you typed {s[:20]!r})"
        ) from None
    return model.validate_age(value)


def weights_table(detail: bool = True) -> widgets.HTML:
    """The model's rule table, rendered from symptoms.toml (for the notebook's Background)."""
    rows = []
    for s in SYMPTOMS.values():
        if s.points_to:
            for t, w, claims in s.points_to:
                rows.append((s.label(detail), model.type_info(t)["label"], f"{w:.2f}", _ids(claims)))
        else:
            tiers = sorted({r.tier for r in model.RULES if s.id in r.any | r.any2}, key=model.tier_rank, reverse=True)
            what = "none of the three types"
            if tiers:
                what += "; urgency rules: " + ", ".join(model.urgency_text(t)["title"] for t in tiers)
            cited = sorted({c for r in model.RULES if s.id in r.any | r.any2 for c in r.claims}) or ["A04"]
            rows.append((s.label(detail), what, "-", _ids(cited)))
    rule = model.age_rule()
    rows.append(
        (
            rule["detail"] if detail else rule["plain"],
            model.type_info(rule["type"])["label"] + " (only with a pain symptom ticked)",
            f"{rule['weight']:.2f}",
            _ids(rule["claims"]),
        )
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c) if i < 3 else c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows
    )
    rule_rows = "".join(
        f"<tr><td>{html.escape(model.urgency_text(r.tier)['title'])}</td><td>{html.escape(r.text(detail))}</td>"
        f"<td>{html.escape(', '.join(r.claims))}</td><td>{html.escape(', '.join(r.sources))}</td></tr>"
        for r in sorted(model.RULES, key=lambda r: -model.tier_rank(r.tier))
    )
    return widgets.HTML(
        _css()
        + '<table class="rb-why"><caption>The model\'s rules: what each symptom points to, with its weight and source'
        "</caption>"
        + _COLS
        + '<thead><tr><th scope="col">Symptom</th><th scope="col">Points to</th><th scope="col">Weight</th>'
        f'<th scope="col">Source</th></tr></thead><tbody>{body}</tbody></table>'
        '<table class="rb-why"><caption>Urgency rules: the most urgent rule that fires sets the tier</caption>'
        + _COLS
        + '<thead><tr><th scope="col">Tier</th><th scope="col">When and what the page says</th>'
        f'<th scope="col">Notes</th><th scope="col">References</th></tr></thead><tbody>{rule_rows}</tbody></table>'
    )


def _format_age(age: float | None) -> str:
    if age is None:
        return ""
    return str(int(age)) if float(age).is_integer() else f"{age:g}"


def _ids(claims) -> str:
    return ", ".join(html.escape(c) for c in claims)


def _cite(claims, sources, detail: bool) -> str:
    """Claim ids (whose boxes name the references); reference ids too in the student view."""
    return _ids(claims) + (f"; {_ids(sources)}" if detail else "")


class SymptomExplorer(widgets.VBox):
    """Tick symptoms, enter an age, and see the ranking, urgency, evidence and next steps."""

    #: The current assessment; ``None`` while the age box holds text that is not an age
    #: (the page then shows no result rather than an old one).
    result = traitlets.Instance(Assessment, allow_none=True)
    #: The age box's error in plain words ("" when the age is fine or empty); shown beside the box.
    age_error = traitlets.Unicode("")
    #: True while the detailed (student) wording is shown.
    detail = traitlets.Bool(False)

    def __init__(self, symptoms=(), age=None, **kwargs):
        self._errors = ErrorPanel()
        self._suspend = False
        #: Ticked ids in the order they were ticked (what scenario_state shares).
        self._order: list[str] = []
        self._detail_toggle = DetailToggle()

        # --- controls -------------------------------------------------------
        self._boxes: dict[str, widgets.Checkbox] = {}
        for sid, s in SYMPTOMS.items():
            self._boxes[sid] = widgets.Checkbox(
                value=False,
                description=s.plain,
                tooltip=s.help,
                indent=False,
                layout=widgets.Layout(width="auto", max_width="100%"),
            )
        self._age = widgets.Text(
            value="",
            description="Age in years (optional)",
            placeholder="for example 34",
            continuous_update=False,
            layout=widgets.Layout(width="auto", max_width="100%"),
            style={"description_width": "initial"},
        )
        self._age_msg = widgets.HTML("", layout=widgets.Layout(display="none"))
        self._group_heads: dict[str, widgets.HTML] = {}
        group_boxes = []
        for g in model.groups():
            head = widgets.HTML(self._group_head_html(g))
            self._group_heads[g["id"]] = head
            children = [head] + [self._boxes[s.id] for s in model.symptoms_in_group(g["id"])]
            if g["id"] == "context":
                children.append(self._age)
                children.append(self._age_msg)
                self._context_claims = claims_section(CONTEXT_CLAIMS)
                children.append(self._context_claims)
            if g["id"] == "warning":
                # Right under the boxes (on a phone the results come after this column):
                # a short pointer to the banner. Not a live region: the banner is the alert.
                self._flag_pointer = widgets.HTML("", layout=widgets.Layout(display="none"))
                children.append(self._flag_pointer)
                self._warning_claims = claims_section(WARNING_CLAIMS)
                children.append(self._warning_claims)
            box = widgets.VBox(children, layout=widgets.Layout(width="100%"))
            box.add_class(f"rb-sx-group-{g['id']}")
            group_boxes.append(box)
        self._clear = widgets.Button(
            description="Clear all",
            tooltip="Untick every box and empty the age",
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        top = widgets.HBox([self._detail_toggle, self._clear], layout=widgets.Layout(flex_flow="row wrap"))
        controls = widgets.VBox(
            [widgets.HTML("<h3>Tick what you feel</h3>"), top, *group_boxes],
            layout=widgets.Layout(flex="1 1 20em", min_width="0", max_width="100%", padding="0 0.5em"),
        )

        # --- outputs ----------------------------------------------------------
        self._banner = widgets.HTML("", layout=widgets.Layout(display="none", width="100%"))
        self._leading = widgets.HTML()
        self._leading.add_class("rb-headline")  # floats at the top of a phone screen while out of sight (page template)
        self._urgency = widgets.HTML()
        #: The safety net (what to watch for, when to go to an emergency department), next to the result.
        self.safety_net_box = widgets.HTML("", layout=widgets.Layout(display="none"))
        #: Conditions outside the three types that the ticks point to, each with its tier and source.
        self.consider_box = widgets.HTML("", layout=widgets.Layout(display="none"))
        self._chart = ScoreChart()
        self._chart_summary = widgets.HTML()
        self._body = BodyMap()
        self._body_summary = widgets.HTML()
        self._why = widgets.HTML()
        self._steps = widgets.HTML()
        self._type_claims = claims_section(TYPE_CLAIMS)
        self._step_claims = claims_section(STEP_CLAIMS)
        self._links = widgets.HTML()
        self._disclaimer = Disclaimer()
        for fig in (self._chart.fig, self._body.fig):
            fig.layout.autosize = True
        self._results = results = widgets.VBox(
            [
                self._banner,
                self._leading,
                self._urgency,
                self.safety_net_box,
                self.consider_box,
                self._chart.fig,
                self._chart_summary,
                self._body.fig,
                self._body_summary,
                self._why,
                widgets.HTML("<h3>Next steps</h3>"),
                self._steps,
                self._disclaimer,
                widgets.HTML("<h3>What the article and the clinical notes say</h3>"),
                self._type_claims,
                self._step_claims,
                self._links,
            ],
            layout=widgets.Layout(flex="1 1 24em", min_width="0", max_width="100%", padding="0 0.5em"),
        )
        body = widgets.HBox([controls, results], layout=widgets.Layout(flex_flow="row wrap", width="100%"))
        super().__init__(
            [page_style(), widgets.HTML(_css()), self._errors, body],
            layout=widgets.Layout(width="100%", max_width="80em"),
            **kwargs,
        )
        self.add_class("rb-sx")
        self._wire()
        self._suspend = True
        try:
            for sid in model.validate_symptoms(symptoms):
                self._boxes[sid].value = True
            self._age.value = _format_age(model.validate_age(age))
        finally:
            self._suspend = False
        self._recompute()

        # --- wiring ---------------------------------------------------------------
        # Glossary terms get a hover/focus definition where they first appear.
        with_glossary(self)

    def _wire(self) -> None:
        on_change = guarded(self._errors)(self._on_change)
        for sid, box in self._boxes.items():
            box.observe(self._tracker(sid), names="value")
            box.observe(on_change, names="value")
        self._age.observe(on_change, names="value")
        self._detail_toggle.observe(guarded(self._errors)(self._on_detail), names="value")
        self._clear.on_click(guarded(self._errors)(lambda _btn: self.set_symptoms([], age=None)))

    def _tracker(self, sid: str):
        def track(change) -> None:
            if change["new"] and sid not in self._order:
                self._order.append(sid)
            elif not change["new"] and sid in self._order:
                self._order.remove(sid)

        return track

    def _on_change(self, change=None) -> None:
        if not self._suspend:
            self._recompute()

    def _on_detail(self, change) -> None:
        self.detail = bool(change["new"])
        d = self.detail
        for sid, box in self._boxes.items():
            box.description = SYMPTOMS[sid].label(d)
        for g in model.groups():
            self._group_heads[g["id"]].value = self._group_head_html(g)
        self._warning_claims.value = "".join(claim_html(c, detail=d) for c in WARNING_CLAIMS)
        self._context_claims.value = "".join(claim_html(c, detail=d) for c in CONTEXT_CLAIMS)
        self._type_claims.value = "".join(claim_html(c, detail=d) for c in TYPE_CLAIMS)
        self._step_claims.value = "".join(claim_html(c, detail=d) for c in STEP_CLAIMS)
        if self.result is not None:
            self._render(self.result)

    # --- state ------------------------------------------------------------------
    @property
    def ticked(self) -> tuple[str, ...]:
        """Ticked symptom ids, in vocabulary order."""
        return tuple(sid for sid, box in self._boxes.items() if box.value)

    def checkbox(self, symptom_id: str) -> widgets.Checkbox:
        """The checkbox of one symptom (for tests and notebook cells)."""
        model.validate_symptoms({symptom_id})
        return self._boxes[symptom_id]

    @property
    def tick_order(self) -> tuple[str, ...]:
        """Ticked symptom ids in the order they were ticked."""
        order = [s for s in self._order if self._boxes[s].value]
        return tuple(order + [s for s in self.ticked if s not in order])

    def set_symptoms(self, symptoms, age="keep") -> None:
        """Tick exactly ``symptoms`` (and set ``age`` unless "keep"), recomputing once.
        A list keeps its order as the tick order; a set is taken in vocabulary order."""
        if isinstance(symptoms, (set, frozenset)):
            symptoms = [s for s in SYMPTOMS if s in symptoms] + sorted(s for s in symptoms if s not in SYMPTOMS)
        wanted = list(dict.fromkeys(symptoms)) if not isinstance(symptoms, (str, bytes)) else symptoms
        ticked = model.validate_symptoms(wanted)
        age_text = self._age.value if age == "keep" else _format_age(model.validate_age(age))
        self._suspend = True
        try:
            for sid, box in self._boxes.items():
                box.value = sid in ticked
            self._age.value = age_text
        finally:
            self._suspend = False
        self._order = list(wanted)
        self._recompute()

    def _recompute(self) -> None:
        try:
            age = parse_age(self._age.value)
        except ValueError as exc:
            # Never leave an old result under a rejected input: say what is wrong beside
            # the box and show no result until the age is fixed or emptied.
            self.age_error = str(exc)
            self._age_msg.value = (
                f'<p class="rb-age-error" role="alert">{html.escape(str(exc))}. '
                "The result is hidden until the age is fixed or the box is emptied.</p>"
            )
            self._age_msg.layout.display = None
            self._results.layout.display = "none"
            self.result = None
            return
        self.age_error = ""
        self._age_msg.value = ""
        self._age_msg.layout.display = "none"
        self._results.layout.display = None
        a = assess(set(self.ticked), age=age)
        self.result = a
        self._render(a)

    # --- rendering ----------------------------------------------------------------
    def _group_head_html(self, g: Mapping) -> str:
        return f'<h3>{html.escape(g["title"])}</h3><p class="rb-sx-help">{html.escape(g["help"])}</p>'

    def _render(self, a: Assessment) -> None:
        d = self.detail
        emergency = a.urgency == "emergency"
        self._banner.value = self._banner_html(a)
        self._banner.layout.display = None if emergency else "none"
        pointer = ""
        if a.red_flags or a.urgency == "see_doctor_now":
            title = model.urgency_text(a.urgency)["title"]
            pointer = (
                f'<p class="rb-flag-pointer"><strong>&#9888; {html.escape(title)}.</strong> '
                "The box at the top of the result says why and what to do.</p>"
            )
        self._flag_pointer.value = pointer
        self._flag_pointer.layout.display = None if pointer else "none"
        self._leading.value = self._leading_html(a)
        self._urgency.value = self._urgency_html(a)
        self.safety_net_box.value = self._safety_html(a, d)
        self.safety_net_box.layout.display = None if a.safety_net else "none"
        self.consider_box.value = self._consider_html(a, d)
        self.consider_box.layout.display = None if a.consider else "none"
        self._chart.update(a)
        self._chart_summary.value = f'<p class="rb-sx-help">{html.escape(score_summary(a))}</p>'
        self._body.update(a)
        self._body_summary.value = f'<p class="rb-sx-help">{html.escape(body_summary(a))}</p>'
        self._why.value = self._why_html(a, d)
        self._steps.value = self._steps_html(a, d)
        self._links.value = self._links_html(a)

    def _banner_html(self, a: Assessment) -> str:
        if a.urgency != "emergency":
            return ""
        u = model.urgency_text("emergency")
        d = self.detail
        items = "".join(
            f'<li>{html.escape(r.text(d))} <span class="rb-src-ids">({_cite(r.claims, r.sources, d)})</span></li>'
            for r in a.reasons
            if r.tier == "emergency"
        )
        body = u["detail"] if d else u["plain"]
        return (
            f'<div class="rb-box rb-redflag" role="alert" aria-label="Warning sign: {html.escape(u["title"])}">'
            f'<strong class="rb-big">&#9888; {html.escape(u["title"])}</strong>'
            f"<p>{html.escape(body)}</p><ul>{items}</ul>"
            f'<p class="rb-src-ids">Source: clinical notes {_ids(u["claims"])}.</p></div>'
        )

    @staticmethod
    def _note_box(css: str, label: str, title: str, rows) -> str:
        """A labelled box with one list item per (data attribute, id, inner HTML) row; "" without rows."""
        items = "".join(f'<li data-{attr}="{html.escape(rid)}">{inner}</li>' for attr, rid, inner in rows)
        if not items:
            return ""
        return f'<div class="{css}" role="note" aria-label="{label}"><strong>{title}</strong><ul>{items}</ul></div>'

    def _safety_html(self, a: Assessment, d: bool) -> str:
        rows = [
            ("safety-id", x.id, f'{html.escape(x.text(d))} <span class="rb-src-ids">({_ids(x.claims)})</span>')
            for x in a.safety_net
        ]
        return self._note_box("rb-safety", "Safety net", "Safety net: when to act fast", rows)

    def _consider_html(self, a: Assessment, d: bool) -> str:
        rows = [
            (
                "consider-id",
                c.id,
                f"<strong>{html.escape(c.title)}</strong>: {html.escape(c.text(d))} "
                f"<em>{html.escape(model.urgency_text(c.tier)['title'])}.</em> "
                f'<span class="rb-src-ids">({_cite(c.claims, c.sources, d)})</span>',
            )
            for c in a.consider
        ]
        return self._note_box(
            "rb-consider", "Also consider", "Also consider (outside the article&#x27;s three types)", rows
        )

    def _leading_html(self, a: Assessment) -> str:
        if not a.ranking and a.leading is None and a.urgency == "not_enough_information":
            text = "No pain type yet: tick where the pain is and what makes it worse."
            return f'<p class="rb-lead" aria-live="polite"><strong>{html.escape(text)}</strong></p>'
        if a.leading is None:
            fit = model.fit_text()
            sentence = fit["none_detail"] if self.detail else fit["none_plain"]
        else:
            info = model.type_info(a.leading)
            sentence = info["detail"] if self.detail else info["plain"]
        prefix = "Educational ranking only, get care first. " if a.urgency in ("emergency", "see_doctor_now") else ""
        return f'<p class="rb-lead" aria-live="polite"><strong>{html.escape(prefix + sentence)}</strong></p>'

    def _urgency_html(self, a: Assessment) -> str:
        if a.urgency == "emergency":
            return ""  # the emergency banner says it, first
        d = self.detail
        u = model.urgency_text(a.urgency)
        body = u["detail"] if d else u["plain"]
        src = f' <span class="rb-src-ids">({_ids(u["claims"])})</span>' if u["claims"] else ""
        why = "".join(
            f'<li>{html.escape(r.text(d))} <span class="rb-src-ids">({_cite(r.claims, r.sources, d)})</span></li>'
            for r in a.reasons
            if r.tier == a.urgency
        )
        why = f"<ul>{why}</ul>" if why else ""
        return (
            f'<div class="rb-box rb-urg rb-urg-{a.urgency}" role="status">'
            f"<strong>What to do: {html.escape(u['title'])}.</strong> {html.escape(body)}{src}{why}</div>"
        )

    def _why_html(self, a: Assessment, d: bool) -> str:
        rows = []
        for sid in SYMPTOMS:
            if sid not in a.symptoms:
                continue
            s = SYMPTOMS[sid]
            label = html.escape(s.label(d))
            fired = [r for r in a.reasons if sid in r.any | r.any2]
            if fired:
                top = model.urgency_text(fired[0].tier)["title"]
                cited = sorted({c for r in fired for c in r.claims})
                rows.append(
                    f"<tr><td>{label}</td><td>Sets urgency: {html.escape(top)}</td><td>-</td><td>{_ids(cited)}</td></tr>"
                )
            elif not s.points_to:
                what = (
                    "No pain type (explains why, not which kind)" if s.kind == "context" else "None of the three types"
                )
                rows.append(
                    f"<tr><td>{label}</td><td>{what}</td><td>-</td><td>{'A04' if s.kind == 'context' else 'N09'}</td></tr>"
                )
            for t, w, claims in s.points_to:
                rows.append(
                    f"<tr><td>{label}</td><td>{html.escape(model.type_info(t)['label'])}</td>"
                    f"<td>{w:.2f}</td><td>{_ids(claims)}</td></tr>"
                )
        for t in PAIN_TYPES:
            for ev in a.evidence[t]:
                if ev.source == model.AGE_KEY:
                    rule = model.age_rule()
                    label = rule["detail"] if d else rule["plain"]
                    rows.append(
                        f"<tr><td>{html.escape(label)} (you are {html.escape(_format_age(a.age))})</td>"
                        f"<td>{html.escape(model.type_info(t)['label'])}</td><td>{ev.weight:.2f}</td><td>{_ids(ev.claims)}</td></tr>"
                    )
        if not rows:
            return '<p class="rb-sx-help">Why: nothing ticked yet, so nothing points anywhere.</p>'
        how = (
            "Each score is 1 minus the product of (1 minus weight) over the signs pointing to that type, so more signs "
            "only ever raise a score. Weights are teaching weights, written down with their source."
            if d
            else "More signs pointing to a type make its bar longer; a sign never makes another type's bar shorter."
        )
        return (
            '<table class="rb-why"><caption>Why: what each tick points to</caption>'
            + _COLS
            + '<thead><tr><th scope="col">You ticked</th><th scope="col">Points to</th>'
            '<th scope="col">Weight</th><th scope="col">Source</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table><p class="rb-sx-help">{html.escape(how)}</p>'
        )

    def _steps_html(self, a: Assessment, d: bool) -> str:
        items = "".join(
            f'<li data-step-id="{html.escape(s.id)}">{html.escape(s.text(d))} '
            f'<span class="rb-src-ids">({_ids(s.claims)})</span></li>'
            for s in a.next_steps
        )
        return f'<ol class="rb-steps">{items}</ol>'

    def _links_html(self, a: Assessment) -> str:
        info = model.anatomy_links()
        types = a.ranking or PAIN_TYPES
        parts = []
        for t in types:
            ti = model.type_info(t)
            links = ", ".join(
                f'<a href="{html.escape(info["notebook"])}?structure={html.escape(sid)}">{html.escape(info["label"][sid])}</a>'
                for sid in ti["structures"]
            )
            parts.append(f"<li>{html.escape(ti['label'])}: {links}</li>")
        return f'<h3>See the structures in the anatomy dashboard</h3><ul class="rb-anatomy-links">{"".join(parts)}</ul>'

    # --- shareable scenarios -------------------------------------------------------
    def scenario_state(self) -> dict[str, str]:
        """Ticked symptoms (comma-separated, in the order ticked) and age ("" when not given)."""
        age = ""
        try:
            age = _format_age(parse_age(self._age.value))
        except ValueError:
            age = ""
        return {"symptoms": ",".join(self.tick_order), "age": age}

    def apply_scenario(self, params: Mapping[str, str]) -> list[str]:
        """Apply ``symptoms`` and ``age`` from shared-link parameters. Never raises;
        returns plain-words notes about anything ignored (echoed values are escaped)."""
        notes: list[str] = []
        try:
            items = dict(params).items()
        except Exception:  # noqa: BLE001 - hostile input becomes a note
            return ["The link's settings could not be read; showing the default view."]
        new_symptoms = None
        new_age = "keep"
        for key, raw in items:
            key_s = html.escape(str(key)[:40])
            if key not in ("symptoms", "age"):
                if key in ("structure", "preset", "present"):
                    continue  # other dashboards' parameters: not ours, not an error
                notes.append(f"Unknown setting '{key_s}' was ignored.")
                continue
            value = str(raw)[:_MAX_PARAM] if raw is not None else ""
            if key == "symptoms":
                chosen = []
                bad = []
                for part in value.split(","):
                    p = part.strip()
                    if not p:
                        continue
                    (chosen if p in SYMPTOMS else bad).append(p)
                for b in bad[:5]:
                    notes.append(f"Unknown symptom '{html.escape(b[:40])}' was ignored.")
                if len(bad) > 5:
                    notes.append(f"{len(bad) - 5} more unknown symptoms were ignored.")
                new_symptoms = list(dict.fromkeys(chosen))
            else:
                try:
                    new_age = parse_age(value)
                except ValueError:
                    notes.append(
                        f"Age '{html.escape(value[:20])}' is not a number from {model.AGE_MIN} to {model.AGE_MAX}; "
                        "age left empty."
                    )
                    new_age = None
        try:
            self.set_symptoms(list(self.tick_order) if new_symptoms is None else new_symptoms, age=new_age)
        except Exception:  # noqa: BLE001 - never raise from a shared link
            notes.append("The link's settings could not be applied; showing the default view.")
        return notes
