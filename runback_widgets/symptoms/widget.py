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

import ipywidgets as widgets
import traitlets

from .. import content
from ..ui.components import Disclaimer, fixed_html
from ..ui.dashboard import DETAIL, Dashboard, MultiChoice, Text, parse_number
from ..ui.render import Markup, claim_box, claims_for, h, joined, note_list, row, table, to_html
from ..ui.share import link_to
from . import model
from .figures import BodyMap, ScoreChart, body_summary, score_summary
from .model import PAIN_TYPES, SYMPTOMS, Assessment, assess

__all__ = ["SymptomExplorer", "parse_age", "weights_table", "fragments"]

NAME = "02-symptom-explorer"
_T = content.load_toml("symptoms.toml")
_PLACE, _W = _T["claims"], _T["page"]
WARN = Markup("&#9888; ")
_COLS = ("c1", "c2", "c3", "c4")


def parse_age(text) -> float | None:
    """Age box text ("34", "34 years", "34 yrs", "34y", "34,5") or a number -> years; ``None``
    when empty; ValueError in plain words otherwise."""
    try:
        years = parse_number(text, units=r"years?(?:\s*old)?|yrs?|y")
    except ValueError:
        raise ValueError(
            f"age must be a number of years from {model.AGE_MIN} to {model.AGE_MAX}, or left empty "
            f"(you typed {str(text).strip()[:20]!r})"
        ) from None
    return None if years is None else model.validate_age(years)


def _format_age(age: float | None) -> str:
    return "" if age is None else f"{age:g}"


def _ids(claims, sources=(), detail: bool = False):
    """Claim ids (whose boxes name the references); reference ids too in the student view."""
    text = ", ".join(claims) + (f"; {', '.join(sources)}" if detail and sources else "")
    return h("span", f"({text})", class_="rb-src-ids")


def _symptom_rows(sid: str, rules, d: bool) -> list:
    """The rows for one symptom: the urgency ``rules`` it takes part in, or why it points to no
    type, then each pain type it points to (weight, claims). Shared by the notebook's rule table
    and the page's "why" table, so both say the same."""
    s = SYMPTOMS[sid]
    out = []
    if rules:
        tiers = sorted({r.tier for r in rules}, key=model.tier_rank, reverse=True)
        what = _W["sets_urgency"] + ", ".join(model.urgency_text(t)["title"] for t in tiers)
        out.append(row(s.label(d), what, "-", ", ".join(sorted({c for r in rules for c in r.claims}))))
    elif not s.points_to:
        what = _W["no_type_context"] if s.kind == "context" else _W["no_type"]
        out.append(row(s.label(d), what, "-", "A04" if s.kind == "context" else "N09"))
    return out + [row(s.label(d), model.type_info(t)["label"], f"{w:.2f}", ", ".join(c)) for t, w, c in s.points_to]


def _age_row(d: bool, weight: float, you: str = ""):
    rule = model.age_rule()
    label = model.type_info(rule["type"])["label"] + ("" if you else _W["age_with_pain"])
    return row(f"{rule['detail'] if d else rule['plain']}{you}", label, f"{weight:.2f}", ", ".join(rule["claims"]))


def weights_table(detail: bool = True) -> widgets.HTML:
    """The model's rule table, rendered from symptoms.toml (for the notebook's Background)."""
    rows = [
        r for sid in SYMPTOMS for r in _symptom_rows(sid, [x for x in model.RULES if sid in x.any | x.any2], detail)
    ]
    rule_rows = [
        row(model.urgency_text(r.tier)["title"], r.text(detail), ", ".join(r.claims), ", ".join(r.sources))
        for r in sorted(model.RULES, key=lambda r: -model.tier_rank(r.tier))
    ]
    return widgets.HTML(
        to_html(
            [
                table(
                    _W["rules_caption"],
                    _W["rules_columns"],
                    [*rows, _age_row(detail, model.age_rule()["weight"])],
                    "rb-why",
                    cols=_COLS,
                ),
                table(
                    _W["urgency_caption"],
                    _W["urgency_columns"],
                    rule_rows,
                    "rb-why",
                    cols=_COLS,
                ),
            ]
        )
    )


def _why(a: Assessment, d: bool):
    rows = [r for sid in SYMPTOMS if sid in a.symptoms for r in _symptom_rows(sid, _fired(a, sid), d)]
    you = _W["you_are"].format(age=_format_age(a.age))
    rows += [_age_row(d, ev.weight, you) for t in PAIN_TYPES for ev in a.evidence[t] if ev.source == model.AGE_KEY]
    if not rows:
        return h("p", _W["why_empty"], class_="rb-sx-help")
    how = _W["why_how_detail" if d else "why_how_plain"]
    return [
        table(_W["why_caption"], _W["why_columns"], rows, "rb-why", cols=_COLS),
        h("p", how, class_="rb-sx-help"),
    ]


def _fired(a: Assessment, sid: str) -> list:
    return [r for r in a.reasons if sid in r.any | r.any2]


def fragments(app: SymptomExplorer) -> dict:
    """What each text slot shows: ``{slot: fragment}`` (``None`` hides a slot)."""
    d, a = app.detail, app.result
    out = {f"group_{g['id']}": [h("h3", g["title"]), h("p", g["help"], class_="rb-sx-help")] for g in model.groups()}
    out.update({f"claims_{k}": [claim_box(c, d) for c in claims_for(NAME, k, _PLACE)] for k in _PLACE})
    if a is None:
        return out
    urgent = a.red_flags or a.urgency == "see_doctor_now"
    out["flag_pointer"] = (
        h(
            "p",
            h("strong", WARN, model.urgency_text(a.urgency)["title"], "."),
            " ",
            _W["flag_pointer"],
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
            h("p", _W["banner_source"].format(ids=", ".join(u["claims"])), class_="rb-src-ids"),
            class_="rb-box rb-redflag",
            role="alert",
            aria_label=_W["banner_label"].format(title=u["title"]),
        )
        out["urgency"] = None
    else:
        out["banner"] = None
        out["urgency"] = h(
            "div",
            h("strong", _W["what_to_do"].format(title=u["title"])),
            " ",
            u["detail" if d else "plain"],
            [" ", _ids(u["claims"])] if u["claims"] else None,
            h("ul", why) if why else None,
            class_=f"rb-box rb-urg rb-urg-{a.urgency}",
            role="status",
        )
    if not a.ranking and a.leading is None and a.urgency == "not_enough_information":
        lead = _W["no_type_yet"]
    else:
        info = model.fit_text() if a.leading is None else model.type_info(a.leading)
        key = ("none_" if a.leading is None else "") + ("detail" if d else "plain")
        lead = (_W["care_first"] if a.urgency in ("emergency", "see_doctor_now") else "") + info[key]
    out["leading"] = h("p", h("strong", lead), class_="rb-lead", aria_live="polite")
    out["safety_net"] = note_list(
        _W["safety_title"],
        [(x.id, [x.text(d), " ", _ids(x.claims)]) for x in a.safety_net],
        "rb-safety",
        _W["safety_label"],
        "safety_id",
    )
    out["consider"] = note_list(
        _W["consider_title"],
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
        "rb-consider",
        _W["consider_label"],
        "consider_id",
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
        h("h3", _W["anatomy"]),
        h(
            "ul",
            [
                h(
                    "li",
                    model.type_info(t)["label"],
                    ": ",
                    joined(
                        h("a", info["label"][sid], href=link_to(info["notebook"], structure=sid))
                        for sid in model.type_info(t)["structures"]
                    ),
                )
                for t in (a.ranking or PAIN_TYPES)
            ],
            class_="rb-anatomy-links",
        ),
    ]
    return out


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
            groups={g["id"]: (g["title"], [x.id for x in model.symptoms_in_group(g["id"])]) for g in model.groups()},
            detail_labels={s.id: s.label(True) for s in SYMPTOMS.values()},
            lenient=True,
            keep_order=True,
        ),
        Text(
            "age",
            _W["age_label"],
            "",
            check=parse_age,
            canonical=_format_age,
            placeholder=_W["age_placeholder"],
            invalid=_W["age_hidden"],
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
            "context": [c("age"), s("age_error"), s("claims_context")],
            "warning": [s("flag_pointer"), s("claims_warning")],
        }
        groups.children = [
            w for g in model.groups() for w in (s(f"group_{g['id']}"), groups.checks[g["id"]], *extra.get(g["id"], ()))
        ]
        self.clear_button = clear = self.button(
            _W["clear"], lambda: self.set(symptoms=(), age=""), help=_W["clear_help"]
        )
        controls = [
            fixed_html(h("h3", _W["tick_heading"])),
            widgets.HBox([c("detail"), clear], layout=widgets.Layout(flex_flow="row wrap")),
            groups,
        ]
        s("leading").add_class("rb-headline")  # floats at the top of a phone screen while out of sight (page template)
        results = [
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
            fixed_html(h("h3", _W["next_steps"])),
            s("steps"),
            Disclaimer(),
            fixed_html(h("h3", _W["article"])),
            s("claims_type"),
            s("claims_steps"),
            s("links"),
        ]
        body = self.columns(controls, results, widths=("20em", "24em"))
        self.results = body.children[1]
        self.layout.max_width = "80em"
        return [self.errors, body]

    def update(self, changed: set[str]) -> None:
        self.age_error = self.input_errors["age"]  # the box says why beside it; no result rather than an old one
        self.result = None if self.age_error else assess(set(self.symptoms), age=parse_age(self.age))
        if self.result is not None:
            self.body.update(self.result)  # the body map first: when the chart shows a tick, the map does too
            self.chart.update(self.result)
        self.results.layout.display = "none" if self.result is None else None
        self.render(fragments(self))
