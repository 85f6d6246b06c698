"""The symptom explorer dashboard (``02-symptom-explorer``).

On :class:`runback_widgets.ui.dashboard.Dashboard`: the inputs are ``symptoms``
(ticked ids), ``age`` (the age box's text) and ``detail``; :meth:`update` is the
one place that recomputes; :func:`fragments` says what the text slots show.
Output order (issues 4 and 12): emergency banner (emergency tier only), leading
pain type in one sentence (or "none of the three fits well"), what to do (the
urgency tier with the rules behind it), the safety net, the conditions to
consider, bar chart, body map, "why" table, next steps, disclaimer, links to the
anatomy dashboard.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import traitlets

from .. import content
from ..ui.checks import Checks
from ..ui.components import Disclaimer
from ..ui.dashboard import DETAIL, Dashboard, MultiChoice, Text
from ..ui.render import Markup, claim_box, claims_for, h, to_html
from . import model
from .figures import BodyMap, ScoreChart, body_summary, score_summary
from .model import PAIN_TYPES, SYMPTOMS, Assessment, assess

__all__ = ["SymptomExplorer", "parse_age", "weights_table", "fragments"]

NAME = "02-symptom-explorer"
_PLACE = content.load_toml("symptoms.toml")["claims"]
#: Age box text: a number, optionally followed by "years", "yrs", "y" (any case).
_AGE_TEXT = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*(?:years?|yrs?|y)?(?:\s*old)?\.?", re.IGNORECASE)
_COLS = Markup('<colgroup><col class="c1"><col class="c2"><col class="c3"><col class="c4"></colgroup>')
WARN = Markup("&#9888; ")


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


def _age(value) -> float | None:
    return parse_age(value) if isinstance(value, str) else model.validate_age(value)


def _format_age(age: float | None) -> str:
    if age is None:
        return ""
    return str(int(age)) if float(age).is_integer() else f"{age:g}"


def _ids(claims, sources=(), detail: bool = False):
    """Claim ids (whose boxes name the references); reference ids too in the student view."""
    text = ", ".join(claims) + (f"; {', '.join(sources)}" if detail and sources else "")
    return h("span", f"({text})", class_="rb-src-ids")


def _table(caption: str, heads, rows):
    head = h("thead", h("tr", [h("th", t, scope="col") for t in heads]))
    return h("table", h("caption", caption), _COLS, head, h("tbody", rows), class_="rb-why")


def _row(*cells):
    return h("tr", [h("td", c) for c in cells])


def weights_table(detail: bool = True) -> widgets.HTML:
    """The model's rule table, rendered from symptoms.toml (for the notebook's Background)."""
    rows = []
    for s in SYMPTOMS.values():
        if s.points_to:
            rows += [
                _row(s.label(detail), model.type_info(t)["label"], f"{w:.2f}", ", ".join(c)) for t, w, c in s.points_to
            ]
        else:
            tiers = sorted({r.tier for r in model.RULES if s.id in r.any | r.any2}, key=model.tier_rank, reverse=True)
            what = "none of the three types"
            if tiers:
                what += "; urgency rules: " + ", ".join(model.urgency_text(t)["title"] for t in tiers)
            cited = sorted({c for r in model.RULES if s.id in r.any | r.any2 for c in r.claims}) or ["A04"]
            rows.append(_row(s.label(detail), what, "-", ", ".join(cited)))
    rule = model.age_rule()
    rows.append(
        _row(
            rule["detail"] if detail else rule["plain"],
            model.type_info(rule["type"])["label"] + " (only with a pain symptom ticked)",
            f"{rule['weight']:.2f}",
            ", ".join(rule["claims"]),
        )
    )
    rule_rows = [
        _row(model.urgency_text(r.tier)["title"], r.text(detail), ", ".join(r.claims), ", ".join(r.sources))
        for r in sorted(model.RULES, key=lambda r: -model.tier_rank(r.tier))
    ]
    return widgets.HTML(
        to_html(
            [
                _table(
                    "The model's rules: what each symptom points to, with its weight and source",
                    ("Symptom", "Points to", "Weight", "Source"),
                    rows,
                ),
                _table(
                    "Urgency rules: the most urgent rule that fires sets the tier",
                    ("Tier", "When and what the page says", "Notes", "References"),
                    rule_rows,
                ),
            ]
        )
    )


def _note_box(css: str, label: str, title: str, attr: str, rows):
    """A labelled box with one list item per (id, content) row; None (hidden) without rows."""
    if not rows:
        return None
    return h(
        "div",
        h("strong", title),
        h("ul", [h("li", inner, **{f"data_{attr}": rid}) for rid, inner in rows]),
        class_=css,
        role="note",
        aria_label=label,
    )


def _why(a: Assessment, d: bool):
    rows = []
    for sid in (s for s in SYMPTOMS if s in a.symptoms):
        s = SYMPTOMS[sid]
        fired = [r for r in a.reasons if sid in r.any | r.any2]
        if fired:
            cited = sorted({c for r in fired for c in r.claims})
            rows.append(
                _row(s.label(d), f"Sets urgency: {model.urgency_text(fired[0].tier)['title']}", "-", ", ".join(cited))
            )
        elif not s.points_to:
            what = "No pain type (explains why, not which kind)" if s.kind == "context" else "None of the three types"
            rows.append(_row(s.label(d), what, "-", "A04" if s.kind == "context" else "N09"))
        rows += [_row(s.label(d), model.type_info(t)["label"], f"{w:.2f}", ", ".join(c)) for t, w, c in s.points_to]
    for t in PAIN_TYPES:
        for ev in (e for e in a.evidence[t] if e.source == model.AGE_KEY):
            rule = model.age_rule()
            rows.append(
                _row(
                    f"{rule['detail'] if d else rule['plain']} (you are {_format_age(a.age)})",
                    model.type_info(t)["label"],
                    f"{ev.weight:.2f}",
                    ", ".join(ev.claims),
                )
            )
    if not rows:
        return h("p", "Why: nothing ticked yet, so nothing points anywhere.", class_="rb-sx-help")
    how = (
        "Each score is 1 minus the product of (1 minus weight) over the signs pointing to that type, so more signs "
        "only ever raise a score. Weights are teaching weights, written down with their source."
        if d
        else "More signs pointing to a type make its bar longer; a sign never makes another type's bar shorter."
    )
    return [
        _table("Why: what each tick points to", ("You ticked", "Points to", "Weight", "Source"), rows),
        h("p", how, class_="rb-sx-help"),
    ]


def fragments(app: SymptomExplorer) -> dict:
    """What each text slot shows: ``{slot: fragment}`` (``None`` hides a slot)."""
    d, a = app.detail, app.result
    out = {f"group_{g['id']}": [h("h3", g["title"]), h("p", g["help"], class_="rb-sx-help")] for g in model.groups()}
    out.update({f"claims_{k}": [claim_box(c, d) for c in claims_for(NAME, k, _PLACE)] for k in _PLACE})
    out["age_msg"] = (
        h(
            "p",
            f"{app.age_error}. The result is hidden until the age is fixed or the box is emptied.",
            class_="rb-age-error",
            role="alert",
        )
        if app.age_error
        else None
    )
    if a is None:
        return out
    urgent = a.red_flags or a.urgency == "see_doctor_now"
    out["flag_pointer"] = (
        h(
            "p",
            h("strong", WARN, model.urgency_text(a.urgency)["title"], "."),
            " The box at the top of the result says why and what to do.",
            class_="rb-flag-pointer",
        )
        if urgent
        else None
    )
    u = model.urgency_text(a.urgency)
    why = [h("li", r.text(d), " ", _ids(r.claims, r.sources, d)) for r in a.reasons if r.tier == a.urgency]
    if a.urgency == "emergency":
        out["banner"] = h(
            "div",
            h("strong", WARN, u["title"], class_="rb-big"),
            h("p", u["detail" if d else "plain"]),
            h("ul", why),
            h("p", f"Source: clinical notes {', '.join(u['claims'])}.", class_="rb-src-ids"),
            class_="rb-box rb-redflag",
            role="alert",
            aria_label=f"Warning sign: {u['title']}",
        )
        out["urgency"] = None
    else:
        out["banner"] = None
        out["urgency"] = h(
            "div",
            h("strong", f"What to do: {u['title']}."),
            " ",
            u["detail" if d else "plain"],
            [" ", _ids(u["claims"])] if u["claims"] else None,
            h("ul", why) if why else None,
            class_=f"rb-box rb-urg rb-urg-{a.urgency}",
            role="status",
        )
    if not a.ranking and a.leading is None and a.urgency == "not_enough_information":
        lead = "No pain type yet: tick where the pain is and what makes it worse."
    else:
        info = model.fit_text() if a.leading is None else model.type_info(a.leading)
        key = ("none_" if a.leading is None else "") + ("detail" if d else "plain")
        lead = (
            "Educational ranking only, get care first. " if a.urgency in ("emergency", "see_doctor_now") else ""
        ) + info[key]
    out["leading"] = h("p", h("strong", lead), class_="rb-lead", aria_live="polite")
    out["safety_net"] = _note_box(
        "rb-safety",
        "Safety net",
        "Safety net: when to act fast",
        "safety_id",
        [(x.id, [x.text(d), " ", _ids(x.claims)]) for x in a.safety_net],
    )
    out["consider"] = _note_box(
        "rb-consider",
        "Also consider",
        "Also consider (outside the article's three types)",
        "consider_id",
        [
            (
                c.id,
                [
                    h("strong", c.title),
                    f": {c.text(d)} ",
                    h("em", f"{model.urgency_text(c.tier)['title']}."),
                    " ",
                    _ids(c.claims, c.sources, d),
                ],
            )
            for c in a.consider
        ],
    )
    out["chart_summary"] = h("p", score_summary(a), class_="rb-sx-help")
    out["body_summary"] = h("p", body_summary(a), class_="rb-sx-help")
    out["why"] = _why(a, d)
    out["steps"] = h(
        "ol",
        [
            h(
                "li",
                s.text(d),
                " ",
                h("a", s.link_text, href=s.link) if s.link else None,
                " ",
                _ids(s.claims),
                data_step_id=s.id,
            )
            for s in a.next_steps
        ],
        class_="rb-steps",
    )
    info = model.anatomy_links()
    out["links"] = [
        h("h3", "See the structures in the anatomy dashboard"),
        h(
            "ul",
            [
                h(
                    "li",
                    model.type_info(t)["label"],
                    ": ",
                    [
                        [", " if i else "", h("a", info["label"][sid], href=f"{info['notebook']}?structure={sid}")]
                        for i, sid in enumerate(model.type_info(t)["structures"])
                    ],
                )
                for t in (a.ranking or PAIN_TYPES)
            ],
            class_="rb-anatomy-links",
        ),
    ]
    return out


def _symptom_groups(spec: MultiChoice):
    """One native checkbox group per symptom group (ticks of all groups are the control's value)."""
    return _Groups(spec)


class _Groups(widgets.VBox):
    value = traitlets.List(traitlets.Unicode())

    def __init__(self, spec: MultiChoice):
        self.checks = {
            g["id"]: Checks(
                options=[s.id for s in model.symptoms_in_group(g["id"])],
                labels={s.id: s.plain for s in model.symptoms_in_group(g["id"])},
                legend=g["title"],
            )
            for g in model.groups()
        }
        super().__init__([], layout=widgets.Layout(width="100%"))
        self.value = list(spec.default)
        for c in self.checks.values():
            c.observe(self._gather, names="value")
        self.observe(self._spread, names="value")

    def _gather(self, _change=None):
        ticked = {s for c in self.checks.values() for s in c.value}
        # In the order ticked: what stays ticked keeps its place, new ticks come last.
        want = [s for s in self.value if s in ticked] + [s for s in SYMPTOMS if s in ticked and s not in self.value]
        if want != list(self.value):
            self.value = want

    def _spread(self, change):
        for c in self.checks.values():
            mine = [s for s in change["new"] if s in c.options]
            if list(c.value) != mine:
                c.value = mine

    def relabel(self, detail: bool) -> None:
        for c in self.checks.values():
            c.labels = {sid: SYMPTOMS[sid].label(detail) for sid in c.options}


class SymptomExplorer(Dashboard):
    """Tick symptoms, enter an age, and see the ranking, urgency, evidence and next steps.

    Inputs (traits, link keys): ``symptoms`` (ticked ids), ``age`` (the age box's text;
    a number from Python), ``detail``. Outputs: ``result`` (``None`` while the age box holds
    text that is not an age: the page then shows no result rather than an old one) and
    ``age_error`` (that text's problem in plain words, "" when fine).
    """

    dashboard = NAME
    css_class = "rb-sx"
    controls = (
        DETAIL,
        MultiChoice(
            "symptoms",
            "Symptoms",
            default=(),
            options={s.id: s.plain for s in SYMPTOMS.values()},
            factory=_symptom_groups,
            lenient=True,
            keep_order=True,
        ),
        Text(
            "age",
            "Age in years (optional)",
            default="",
            check=_age,
            canonical=_format_age,
            placeholder="for example 34",
        ),
    )

    result = traitlets.Instance(Assessment, allow_none=True)
    age_error = traitlets.Unicode("")

    def build(self):
        self.chart, self.body = ScoreChart(), BodyMap()
        for fig in (self.chart.fig, self.body.fig):
            fig.layout.autosize = True
        c, s = self.control, self.slot
        groups = c("symptoms")
        extra = {
            "context": [c("age"), s("age_msg"), s("claims_context")],
            "warning": [s("flag_pointer"), s("claims_warning")],
        }
        groups.children = [
            w for g in model.groups() for w in (s(f"group_{g['id']}"), groups.checks[g["id"]], *extra.get(g["id"], ()))
        ]
        self.clear_button = clear = widgets.Button(
            description="Clear all",
            tooltip="Untick every box and empty the age",
            layout=widgets.Layout(width="auto", max_width="100%"),
        )
        clear.on_click(self._guard(lambda _b: self.set(symptoms=(), age="")))
        controls = widgets.VBox(
            [
                widgets.HTML("<h3>Tick what you feel</h3>"),
                widgets.HBox([c("detail"), clear], layout=widgets.Layout(flex_flow="row wrap")),
                groups,
            ],
            layout=widgets.Layout(flex="1 1 20em", min_width="0", max_width="100%", padding="0 0.5em"),
        )
        #: The safety net and the conditions to consider, next to the result.
        self.safety_net_box, self.consider_box = s("safety_net"), s("consider")
        s("leading").add_class("rb-headline")  # floats at the top of a phone screen while out of sight (page template)
        self.results = widgets.VBox(
            [
                s("banner"),
                s("leading"),
                s("urgency"),
                s("safety_net"),
                s("consider"),
                self.chart.fig,
                s("chart_summary"),
                self.body.fig,
                s("body_summary"),
                s("why"),
                widgets.HTML("<h3>Next steps</h3>"),
                s("steps"),
                Disclaimer(),
                widgets.HTML("<h3>What the article and the clinical notes say</h3>"),
                s("claims_type"),
                s("claims_steps"),
                s("links"),
            ],
            layout=widgets.Layout(flex="1 1 24em", min_width="0", max_width="100%", padding="0 0.5em"),
        )
        body = widgets.HBox([controls, self.results], layout=widgets.Layout(flex_flow="row wrap", width="100%"))
        self.layout.max_width = "80em"
        return [self.errors, body]

    @property
    def ticked(self) -> tuple[str, ...]:
        """Ticked symptom ids, in vocabulary order (``symptoms`` keeps the order they were ticked)."""
        return tuple(s for s in SYMPTOMS if s in self.symptoms)

    def set_symptoms(self, symptoms, age="keep") -> None:
        """Tick exactly ``symptoms`` (and set ``age`` unless "keep"), recomputing once. A list keeps
        its order as the tick order; a set is taken in vocabulary order."""
        model.validate_symptoms(symptoms)
        if isinstance(symptoms, (set, frozenset)):  # no order given: vocabulary order
            symptoms = [s for s in SYMPTOMS if s in symptoms]
        self.set(symptoms=tuple(symptoms), **({} if age == "keep" else {"age": "" if age is None else age}))

    def update(self, changed: set[str]) -> None:
        if "detail" in changed:
            self.control("symptoms").relabel(self.detail)
        try:
            age = parse_age(self.age)
            self.age_error = ""
        except ValueError as exc:
            self.age_error, self.result = str(exc), None
        if not self.age_error:
            self.result = assess(set(self.symptoms), age=age)
            self.body.update(self.result)  # the body map first: when the chart shows a tick, the map does too
            self.chart.update(self.result)
        self.results.layout.display = "none" if self.result is None else None
        self.render(fragments(self))
