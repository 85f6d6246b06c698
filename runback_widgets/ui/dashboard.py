"""One dashboard abstraction: input state in typed traits, controls from a spec.

A dashboard declares its inputs once, as a tuple of control specs::

    class MyDashboard(Dashboard):
        controls = (
            Number("tilt", "Pelvic tilt (°)", -13, 13, step=1, default=0),
            Choice("camera", "View", {"back": "From behind", "side": "From the side"}, default="back"),
        )

        def build(self):                       # layout: where each control and slot goes
            return [self.control("tilt"), self.control("camera"), self.slot("summary")]

        def update(self, changed):             # the one observer: recompute, redraw
            result = model(self.tilt, self.camera)
            self.render(render_fragments(result))

From that spec the base derives:

* one trait per control on the class (``app.tilt``, ``app.camera``), typed and
  validated: a bad value from Python raises :class:`ControlValueError` (a
  ``ValueError``) naming the control and its valid range;
* the control widgets (labels, ranges, keyboard: ``continuous_update``), kept
  in step with the traits both ways; setting a trait from a notebook cell
  updates everything on screen, figures included;
* ``scenario_state()`` / ``apply_scenario(params)`` for share links: every
  control's ``key`` with its ``format``/``parse``; notes come back as plain text
  (the page escapes them once, when it shows them);
* preset comparison (:class:`Preset`): choosing a preset sets the controls it
  names, moving one of them away from the preset shows "custom".

Kinds: :class:`Number` (a slider, or with ``entry`` a number box), :class:`Choice`
(dropdown or buttons; :meth:`Dashboard.narrow` offers a subset, e.g. what filters
leave), :class:`MultiChoice` (tick boxes, optionally in ``groups`` and with
``detail_labels``), :class:`Toggle` (button or ``checkbox``), :class:`Text`
(checked free text whose problem is shown beside the box), :class:`Date`. A
control's ``group`` names the part of the page (and model call) it belongs to:
:meth:`Dashboard.group` lists them, so adding a control is one spec line plus its
use in the model call.

Every change (a widget, a cell, a link) goes through one observer that calls
``update(changed)`` once per change, or once per :meth:`Dashboard.batch`.
Errors inside ``update`` are shown in the dashboard's error panel and logged,
never swallowed. Widgets layer: ipywidgets, no model logic.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ipywidgets as widgets
import traitlets

from .components import DetailToggle, ErrorPanel, guarded, log
from .render import Page, h, stylesheet

__all__ = [
    "Control",
    "Number",
    "Choice",
    "MultiChoice",
    "Toggle",
    "Text",
    "Date",
    "Preset",
    "Partial",
    "ControlValueError",
    "Dashboard",
    "DETAIL",
    "grouped",
    "shown",
    "parse_number",
]

#: A row of controls that wraps on a narrow screen (:meth:`Dashboard.row`): the layout's
#: settings. Each row gets its own ``Layout`` widget: a widget made at import time would be
#: made with no kernel in a process kernels fork from (voila/zygote.py), and a page could
#: never receive it.
ROW = {"display": "flex", "flex_flow": "row wrap", "width": "100%", "align_items": "center"}
#: Longest piece of a link value quoted back in a note.
_QUOTE = 40


def shown(value: Any) -> str:
    """A user-supplied value, cut short for a note (plain text; escaped when shown)."""
    s = str(value)
    return s[:_QUOTE] + ("…" if len(s) > _QUOTE else "")


def parse_number(text: Any, units: str = "") -> float | None:
    """A number typed in a box: ``None`` when empty; ``"34"``, ``"34,5"``, ``"34 years"`` (``units``:
    a regular expression of the unit words allowed after it, any case) -> float; a number given
    as such is taken as is. ValueError otherwise (the caller says what was expected)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text or "").strip()
    if not s:
        return None
    unit = rf"\s*(?:{units})?\.?" if units else ""
    m = re.fullmatch(rf"([0-9]+(?:[.,][0-9]+)?){unit}", s, flags=re.IGNORECASE)
    if m is None:
        raise ValueError(s)
    return float(m.group(1).replace(",", "."))


@dataclass(frozen=True)
class Partial:
    """What a lenient ``parse`` returns: the usable part of a link value and notes on the rest."""

    value: Any
    notes: tuple[str, ...] = ()


class ControlValueError(traitlets.TraitError, ValueError):
    """A control was given a value outside its range or of the wrong kind."""


class _SpecTrait(traitlets.TraitType):
    """A trait whose validation is its control spec's ``coerce``."""

    def __init__(self, spec: Control, **kwargs):
        self.spec = spec
        super().__init__(default_value=spec.coerce(spec.default), **kwargs)

    def validate(self, obj, value):
        try:
            return self.spec.coerce(value)
        except ValueError as exc:
            raise ControlValueError(str(exc)) from None


@dataclass(frozen=True)
class Control:
    """One input of a dashboard.

    ``key`` names it in links (``?key=value``); ``trait`` names the dashboard
    trait (defaults to ``key``); ``label`` is the widget's visible name (and so
    its accessible name); ``help`` its tooltip. ``widget=False`` makes a
    trait-only control (set by buttons or code, still part of links). ``group`` places it
    (e.g. the controls of one planner: a row of the page, and what re-runs that planner).
    """

    key: str
    label: str = ""
    default: Any = None
    trait: str = ""
    help: str = ""
    widget: bool = True
    #: Leave out of share links (a view-only preference).
    link: bool = True
    #: Which part of the page the control belongs to (a dashboard's row, panel or model call).
    group: str = ""

    @property
    def name(self) -> str:
        return self.trait or self.key

    # -- the four things every kind defines
    def coerce(self, value):
        """Python value -> canonical value; ValueError (plain words) when invalid."""
        return value

    def parse(self, raw: str):
        """Link text -> canonical value; ValueError (a plain-words note) when invalid."""
        return self.coerce(raw)

    def format(self, value) -> str:
        """Canonical value -> link text (``parse(format(v)) == v``)."""
        return str(value)

    def make_widget(self) -> widgets.Widget | None:
        return None

    # -- widget <-> trait
    def to_widget(self, value):
        return value

    def from_widget(self, value):
        return value


_STYLE = {"description_width": "initial"}


def _choices(options) -> str:
    """The valid values, for a message: all of a few, the first six of many."""
    names = [k or "none" for k in options]
    return ", ".join(names) if len(names) <= 8 else f"{', '.join(names[:6])} ... ({len(names)} choices)"


@dataclass(frozen=True)
class Number(Control):
    """A number in ``[lo, hi]`` on a grid of ``step`` (a slider)."""

    lo: float = 0.0
    hi: float = 1.0
    step: float = 1.0
    integer: bool = False
    #: Values are sent to the model while the handle moves (False: on release).
    continuous: bool = True
    readout: str = ""
    width: str = "34em"
    #: A number box (with arrows) instead of a slider: for wide ranges such as days or minutes.
    entry: bool = False

    def __init__(self, key, label, lo, hi, step=1.0, default=None, integer=None, **kw):
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)
        object.__setattr__(self, "step", step)
        if integer is None:
            integer = all(float(v).is_integer() for v in (lo, hi, step))
        object.__setattr__(self, "integer", integer)
        for name in ("continuous", "readout", "width", "entry"):
            object.__setattr__(self, name, kw.pop(name, getattr(type(self), name)))
        Control.__init__(self, key, label, lo if default is None else default, **kw)

    def _range(self) -> str:
        return f"from {self.lo:g} to {self.hi:g}"

    def coerce(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
            raise ValueError(f"{self.key} must be a number {self._range()}, got {shown(repr(value))}")
        try:
            v = float(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{self.key} must be a number {self._range()}, got {shown(repr(value))}") from None
        if not math.isfinite(v) or not self.lo - 1e-9 <= v <= self.hi + 1e-9:
            raise ValueError(f"{self.key} must be {self._range()}, got {shown(value)}")
        # Snap to the slider's grid: a browser's echo (0.44999999999999996) is the same value.
        n = round((v - self.lo) / self.step)
        v = min(max(self.lo + n * self.step, self.lo), self.hi)
        return int(round(v)) if self.integer else round(v, 10)

    def parse(self, raw: str):
        text = str(raw).strip()[: _QUOTE * 2]
        try:
            v = float(text)
        except (ValueError, OverflowError):
            raise ValueError(f"{self.key}: '{shown(raw)}' is not a number") from None
        if not math.isfinite(v) or not self.lo <= v <= self.hi:
            raise ValueError(f"{self.key}: '{shown(raw)}' is outside {self.lo:g} to {self.hi:g}")
        return self.coerce(v)

    def format(self, value) -> str:
        return str(int(value)) if self.integer else f"{value:g}"

    def make_widget(self):
        common = dict(
            value=self.coerce(self.default),
            min=self.lo,
            max=self.hi,
            step=self.step,
            description=self.label,
            tooltip=self.help,
            style=_STYLE,
        )
        if self.entry:
            box = widgets.BoundedIntText if self.integer else widgets.BoundedFloatText
            return box(**common, layout=widgets.Layout(width="auto", max_width="100%"))
        cls = widgets.IntSlider if self.integer else widgets.FloatSlider
        kw = dict(readout_format=self.readout) if self.readout else {}
        layout = widgets.Layout(width="100%", max_width=self.width)
        return cls(**common, continuous_update=self.continuous, layout=layout, **kw)


@dataclass(frozen=True)
class Choice(Control):
    """One of ``options`` (value -> label): a dropdown or, with ``buttons``, toggle buttons.

    ``aliases`` maps extra link words to values (e.g. ``none`` -> ``""``).
    """

    options: Mapping[str, str] = field(default_factory=dict)
    buttons: bool = False
    aliases: Mapping[str, str] = field(default_factory=dict)

    def _choices(self) -> str:
        return _choices(self.options)

    def coerce(self, value):
        if not isinstance(value, str) or value not in self.options:
            raise ValueError(f"{self.key} must be one of {self._choices()}, got {shown(repr(value))}")
        return value

    def parse(self, raw: str):
        v = self.aliases.get(str(raw), str(raw))
        if v not in self.options:
            raise ValueError(f"{self.key}: '{shown(raw)}' is not one of {self._choices()}")
        return v

    def format(self, value) -> str:
        return value

    def make_widget(self):
        opts = [(label, value) for value, label in self.options.items()]
        if self.buttons:
            return widgets.ToggleButtons(
                options=opts,
                value=self.default,
                description=self.label,
                tooltip=self.help,
                style=dict(_STYLE, button_width="auto"),
                layout=widgets.Layout(width="auto", max_width="100%"),
            )
        return widgets.Dropdown(
            options=opts,
            value=self.default,
            description=self.label,
            tooltip=self.help,
            style=_STYLE,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )


@dataclass(frozen=True)
class MultiChoice(Control):
    """Any subset of ``options`` (value -> label), kept in the options' order (a tuple).

    In links: comma-separated values (empty for none). ``factory(spec)`` builds the
    widget (its ``value`` a list of option values); by default native checkboxes.
    """

    options: Mapping[str, str] = field(default_factory=dict)
    factory: Callable[[MultiChoice], widgets.Widget] | None = None
    #: Links: keep the known values and note the others (instead of ignoring the whole value).
    lenient: bool = False
    #: Keep the order values were given in (e.g. the order boxes were ticked), not the options'.
    keep_order: bool = False
    #: Options in groups (group id -> (legend, option values)): one tick-box group each.
    groups: Mapping[str, tuple[str, Sequence[str]]] = field(default_factory=dict)
    #: Labels in the detailed wording, shown while the dashboard's ``detail`` control is on.
    detail_labels: Mapping[str, str] = field(default_factory=dict)

    def coerce(self, value):
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ValueError(f"{self.key} must be a list of {_choices(self.options)}, got {shown(repr(value))}")
        items = list(value)
        bad = [v for v in items if not isinstance(v, str) or v not in self.options]
        if bad:
            raise ValueError(f"{self.key}: {shown(', '.join(map(str, bad)))} not among {_choices(self.options)}")
        if self.keep_order and not isinstance(value, (set, frozenset)):  # a set has no order: the options'
            return tuple(dict.fromkeys(items))
        want = set(items)
        return tuple(k for k in self.options if k in want)

    def parse(self, raw: str):
        items = [s.strip() for s in str(raw).split(",") if s.strip()]
        bad = [s for s in items if s not in self.options]
        if bad and self.lenient:
            notes = [f"{self.key}: '{shown(b)}' is not known here and was ignored." for b in bad[:5]]
            notes += [f"{self.key}: {len(bad) - 5} more unknown values were ignored."] if len(bad) > 5 else []
            return Partial(self.coerce([s for s in items if s in self.options]), tuple(notes))
        if bad:
            raise ValueError(f"{self.key}: '{shown(', '.join(bad))}' is not one of {_choices(self.options)}")
        return self.coerce(items)

    def format(self, value) -> str:
        return ",".join(value)

    def make_widget(self):
        from .checks import Checks

        if self.factory is not None:
            return self.factory(self)
        if self.groups:
            from .checks import CheckGroups

            groups = {g: (legend, {o: self.options[o] for o in opts}) for g, (legend, opts) in self.groups.items()}
            return CheckGroups(groups, self.coerce(self.default))
        return Checks(
            options=list(self.options),
            labels=dict(self.options),
            value=list(self.coerce(self.default)),
            legend=self.label,
        )

    def to_widget(self, value):
        return list(value)


@dataclass(frozen=True)
class Toggle(Control):
    """On or off (in links: 1 / 0): a toggle button, or with ``checkbox`` a tick box."""

    checkbox: bool = False

    def coerce(self, value):
        if not isinstance(value, (bool, int)) or value not in (0, 1):
            raise ValueError(f"{self.key} must be True or False, got {shown(repr(value))}")
        return bool(value)

    def parse(self, raw: str):
        s = str(raw).strip().lower()
        if s in ("1", "true", "yes", "on"):
            return True
        if s in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"{self.key}: '{shown(raw)}' is not 1 or 0")

    def format(self, value) -> str:
        return "1" if value else "0"

    def make_widget(self):
        if self.key == "detail":
            return DetailToggle(value=bool(self.default))
        if self.checkbox:
            return widgets.Checkbox(
                value=bool(self.default),
                description=self.label,
                indent=False,
                layout=widgets.Layout(width="auto", max_width="100%"),
            )
        return widgets.ToggleButton(value=bool(self.default), description=self.label, tooltip=self.help)


@dataclass(frozen=True)
class Date(Control):
    """A calendar date (a date picker; in links ``YYYY-MM-DD``)."""

    def coerce(self, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return self.parse(value)
        raise ValueError(f"{self.key} must be a date (datetime.date or YYYY-MM-DD), got {shown(repr(value))}")

    def parse(self, raw: str):
        try:
            return dt.date.fromisoformat(str(raw).strip()[:10])
        except ValueError:
            raise ValueError(f"{self.key}: '{shown(raw)}' is not a date (YYYY-MM-DD)") from None

    def format(self, value) -> str:
        return value.isoformat()

    def make_widget(self):
        return widgets.DatePicker(
            value=self.coerce(self.default),
            description=self.label,
            style=_STYLE,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )

    def from_widget(self, value):
        return self.default if value is None else value  # an emptied picker: back to the default


@dataclass(frozen=True)
class Text(Control):
    """Free text the dashboard reads itself (e.g. an age box), with ``check(text)`` giving its
    canonical value or a plain ValueError. The trait holds what was typed; while it is not
    usable, ``Dashboard.input_errors[trait]`` says why and slot ``<key>_error`` shows it (with
    ``invalid`` after it). Numbers from Python are turned into text and checked. In links: the
    canonical form, or nothing when the text is not usable."""

    check: Callable[[str], Any] | None = None
    canonical: Callable[[Any], str] = str
    placeholder: str = ""
    max_len: int = 40
    #: Said after the problem when the text is not usable (slot ``<key>_error``, beside the box).
    invalid: str = ""

    def coerce(self, value):
        if isinstance(value, bool):
            raise ValueError(f"{self.key} must be text or a number, got {value!r}")
        if value is None:
            return ""
        if isinstance(value, (int, float)):
            return self.canonical(self.check(value) if self.check else value)
        if not isinstance(value, str):
            raise ValueError(f"{self.key} must be text or a number, got {shown(repr(value))}")
        return value[: self.max_len]

    def parse(self, raw: str):
        text = str(raw)[: self.max_len * 2]
        if self.check is not None and text.strip():
            try:
                return self.canonical(self.check(text))
            except ValueError as exc:
                raise ValueError(f"{self.key}: {exc}") from None
        return text.strip()

    def format(self, value) -> str:
        if self.check is None or not value.strip():
            return value.strip()
        try:
            return self.canonical(self.check(value))
        except ValueError:
            return ""

    def make_widget(self):
        return widgets.Text(
            value=self.coerce(self.default),
            description=self.label,
            placeholder=self.placeholder,
            continuous_update=False,
            style=_STYLE,
            layout=widgets.Layout(width="auto", max_width="100%"),
        )


#: "More detail for students": every dashboard's plain/exact wording switch.
def grouped(group: str, *specs: Control) -> tuple[Control, ...]:
    """The controls ``specs`` placed in ``group`` (instead of ``group=`` on each)."""
    out = []
    for spec in specs:
        spec = copy.copy(spec)
        object.__setattr__(spec, "group", group)
        out.append(spec)
    return tuple(out)


DETAIL = Toggle("detail", "More detail for students", default=False)


@dataclass(frozen=True)
class Preset(Choice):
    """A named set of control values; ``custom`` when the controls leave it.

    ``values`` maps preset -> {trait: value}. Choosing a preset sets those
    traits; moving any of them more than half a step away shows ``custom``.
    """

    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    custom: str = "custom"

    def matches(self, name: str, spec_of: Mapping[str, Control], current: Mapping[str, Any]) -> bool:
        for trait, target in self.values.get(name, {}).items():
            spec = spec_of[trait]
            tol = spec.step / 2 if isinstance(spec, Number) else 0
            cur = current[trait]
            if isinstance(spec, Number):
                if abs(float(cur) - float(spec.coerce(target))) > tol:
                    return False
            elif cur != spec.coerce(target):
                return False
        return True


class Dashboard(widgets.VBox):
    """Base of every dashboard: traits from ``controls``, one ``update``, links, slots.

    Subclasses set ``controls`` (a tuple of specs) and ``dashboard`` (its content
    id, e.g. ``"01-spine-and-si-anatomy"``), and implement :meth:`build` and
    :meth:`update`. Keyword arguments naming a control set its initial value.
    """

    controls: ClassVar[Sequence[Control]] = ()
    dashboard: ClassVar[str] = ""
    css_class: ClassVar[str] = ""

    def __repr__(self) -> str:
        # A widget shown as a cell's result gets its repr as the text/plain part of the
        # output: ipywidgets builds the whole repr (every child, every figure's data) and
        # keeps 110 characters. The 3D anatomy's took ~0.1 s of every page's run.
        return f"{type(self).__name__}({self.dashboard!r})"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for spec in cls.__dict__.get("controls", ()):
            trait = _SpecTrait(spec)
            setattr(cls, spec.name, trait)
            trait.class_init(cls, spec.name)
        cls._specs = {spec.name: spec for spec in cls.controls}
        cls._by_key = {spec.key: spec for spec in cls.controls}
        if len(cls._by_key) != len(cls.controls):
            raise TypeError(f"{cls.__name__}: two controls share a key")

    def __init__(self, **kwargs):
        initial = {k: kwargs.pop(k) for k in list(kwargs) if k in self._specs}
        kwargs.setdefault("layout", widgets.Layout(width="100%", max_width="72em"))
        super().__init__(**kwargs)
        for name, value in initial.items():  # validated (a clear ValueError) before anything is built
            setattr(self, name, value)
        self.errors = ErrorPanel()
        self._guard = guarded(self.errors)
        self._hold = 0
        self._pending: set[str] = set()
        self._updating = False
        self._browser: set[str] = set()
        self._pushing = False
        #: Inputs of the current ``update`` that a widget in the browser changed (not Python).
        self.changed_in_browser: frozenset[str] = frozenset()
        self._slots: dict[str, widgets.HTML] = {}
        self._figures: dict[str, widgets.VBox] = {}
        #: Each checked :class:`Text` control's problem in plain words ("" while usable).
        self.input_errors: dict[str, str] = {}
        self.page = Page()
        #: Each figure object drawn by :meth:`chart`, by key (a view's figures once it was shown).
        self.charts: dict[str, Any] = {}
        self._drawn: dict[str, tuple] = {}
        #: One panel per view (:meth:`view_panels`), by view.
        self.panels: dict[str, widgets.VBox] = {}
        self._widgets: dict[str, widgets.Widget] = {}
        for spec in self.controls:
            w = spec.make_widget() if spec.widget else None
            if w is not None:
                w.value = spec.to_widget(getattr(self, spec.name))
                w.observe(self._from_widget(spec), names="value")
                self._widgets[spec.key] = w
        self.observe(self._on_input, names=list(self._specs))
        body = self.build()
        from .components import slider_labels

        self.children = [stylesheet(), slider_labels(), *body]
        if self.css_class:
            self.add_class(self.css_class)
        self.add_class("rb-dashboard")
        self._flush(set(self._specs), first=True)

    # ------------------------------------------------------------------ to implement
    def build(self) -> list[widgets.Widget]:
        """The page's widgets, in reading order (use :meth:`control` and :meth:`slot`)."""
        raise NotImplementedError

    def update(self, changed: set[str]) -> None:
        """Recompute and redraw after the traits in ``changed`` changed (all of them at first)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ parts
    def control(self, key: str) -> widgets.Widget:
        """The widget of control ``key``."""
        return self._widgets[key]

    @staticmethod
    def columns(*columns: Sequence[widgets.Widget], widths: Sequence[str] = ()) -> widgets.HBox:
        """Columns side by side that wrap under each other on a narrow screen (``widths``: each
        column's basis, e.g. ``"20em"``)."""
        boxes = [
            widgets.VBox(
                list(col),
                layout=widgets.Layout(flex=f"1 1 {w}", min_width="0", max_width="100%", padding="0 0.5em"),
            )
            for col, w in zip(columns, [*widths, *["20em"] * len(columns)])
        ]
        return widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap", width="100%"))

    @staticmethod
    def row(*items: widgets.Widget) -> widgets.Box:
        """Widgets side by side, wrapping onto the next line on a narrow screen."""
        return widgets.Box(list(items), layout=widgets.Layout(**ROW))

    def widen(self, keys: Iterable[str], basis: str = "22em", least: str = "18em") -> None:
        """Let the controls ``keys`` grow to share a :meth:`row` (each at least ``least`` wide,
        or the whole width on a phone), so long labels are not cut."""
        for key in keys:
            self._widgets[key].layout = widgets.Layout(
                width="auto", max_width="100%", flex=f"1 1 {basis}", min_width=f"min(100%, {least})"
            )

    def view_panels(self, views: Mapping[str, Sequence[widgets.Widget]]) -> widgets.VBox:
        """One panel per view, all in the page from the start (every control is there for a
        share link), hidden until :meth:`show_view` shows one; ``self.panels`` by view."""
        self.panels = {
            v: widgets.VBox(list(kids), layout=widgets.Layout(width="100%", display="none"))
            for v, kids in views.items()
        }
        return widgets.VBox(list(self.panels.values()), layout=widgets.Layout(width="100%"))

    def show_view(self, view: str) -> None:
        """Show the panel of ``view``, hide the others (call before drawing its figures: a
        figure made while hidden takes the wrong size)."""
        for name, panel in self.panels.items():
            want = None if name == view else "none"
            if panel.layout.display != want:
                panel.layout.display = want

    def figure(self, name: str, **layout) -> widgets.VBox:
        """Where figure ``name`` goes (created once, empty until :meth:`chart` draws it)."""
        if name not in self._figures:
            self._figures[name] = widgets.VBox(layout=widgets.Layout(**{"width": "100%", "min_width": "0", **layout}))
        return self._figures[name]

    def chart(self, key: str, make: Callable[..., Any], *args: Any) -> Any:
        """The figure object ``key`` showing ``args``: made with ``make(*args)`` on first use
        (its ``fig`` put in :meth:`figure` ``key``), later updated only when an argument changed,
        so only new results cross the wire. Returns it (also in ``self.charts``)."""
        if key not in self.charts:
            self.charts[key] = make(*args)
            self.figure(key).children = (self.charts[key].fig,)
        elif not _same(args, self._drawn.get(key)):
            self.charts[key].update(*args)
        self._drawn[key] = args
        return self.charts[key]

    def button(self, label: str, action: Callable[[], Any], help: str = "") -> widgets.Button:
        """A button that runs ``action()`` (errors shown in the error panel), e.g. ``self.reset``."""
        b = widgets.Button(description=label, tooltip=help, layout=widgets.Layout(width="auto", max_width="100%"))
        b.on_click(self._guard(lambda _b: action()))
        return b

    def group(self, name: str) -> tuple[str, ...]:
        """Keys of the controls in ``group`` ``name``, in spec order."""
        return tuple(spec.key for spec in self.controls if spec.group == name)

    def slot(self, name: str, **layout) -> widgets.HTML:
        """The HTML widget that shows slot ``name`` (created once)."""
        if name not in self._slots:
            w = widgets.HTML(layout=widgets.Layout(**layout))
            w.add_class(f"rb-slot-{name.replace('_', '-')}")
            self._slots[name] = w
        return self._slots[name]

    def render(self, fragments: Mapping[str, Any]) -> None:
        """Show ``{slot: fragment}`` (see :mod:`runback_widgets.ui.render`); a slot only
        gets a message when its HTML changed. ``None`` hides a slot."""
        for name, frag in fragments.items():
            w = self.slot(name)
            if frag is None:  # hidden and emptied (nothing stale for a screen reader or a search)
                if w.layout.display != "none":
                    w.layout.display = "none"
                if w.value:
                    w.value = ""
                continue
            value = self.page.html(name, frag)
            if w.value != value:
                w.value = value
            if w.layout.display == "none":
                w.layout.display = None

    def narrow(self, key: str, options: Mapping[str, str]) -> Any:
        """Offer only ``options`` (value -> label) of a :class:`Choice` control (e.g. what the
        filters leave); keeps its value when still offered, else takes the first (``""`` for none).
        Returns the value; call inside ``update`` (then :meth:`settle`)."""
        spec, w = self._by_key[key], self._widgets[key]
        pairs = [(label, value) for value, label in options.items()]
        value = getattr(self, spec.name)
        value = value if value in options else next(iter(options), "")
        self._pushing = True
        try:
            if list(w.options) != pairs:
                w.options = pairs
            if pairs and w.value != value:
                w.value = value
        finally:
            self._pushing = False
        setattr(self, spec.name, value)
        return value

    # ------------------------------------------------------------------ state flow
    def _from_widget(self, spec: Control):
        def on_change(change):
            if self._pushing:  # the dashboard itself set this widget (below): nothing to do
                return
            try:
                self._browser.add(spec.name)
                setattr(self, spec.name, spec.from_widget(change["new"]))
                if not self._hold:  # consumed by the update it caused, or nothing changed (an echo)
                    self._browser.discard(spec.name)
            except ValueError as exc:
                self.errors.show(exc)
                w = self._widgets[spec.key]
                w.value = spec.to_widget(getattr(self, spec.name))

        return on_change

    def _on_input(self, change) -> None:
        spec = self._specs[change["name"]]
        w = self._widgets.get(spec.key)
        if w is not None:
            want = spec.to_widget(change["new"])
            try:
                same = spec.coerce(spec.from_widget(w.value)) == change["new"]
            except ValueError:
                same = False
            if not same:
                self._pushing = True
                try:
                    w.value = want
                except traitlets.TraitError:  # not among a narrowed choice's options: update() decides
                    pass
                finally:
                    self._pushing = False
        self._pending.add(change["name"])
        if not self._hold and not self._updating:
            self._flush()

    @contextlib.contextmanager
    def batch(self):
        """Set several traits, recompute once at the end."""
        self._hold += 1
        try:
            yield self
        finally:
            self._hold -= 1
            if not self._hold and not self._updating:
                self._flush()

    def _flush(self, changed: set[str] | None = None, first: bool = False) -> None:
        if changed:
            self._pending |= changed
        rounds = 0
        while self._pending and rounds < 5:  # update() may set traits (e.g. preset -> custom): go again
            todo, self._pending = self._pending, set()
            rounds += 1
            self._updating = True
            try:
                self._react(todo)
                self._check_texts()
                self.changed_in_browser = frozenset(self._browser & todo)
                self._browser -= todo
                self._guard(self.update)(todo)
            finally:
                self._updating = False
                self.changed_in_browser = frozenset()

        self._sync_figures()

    def _check_texts(self) -> None:
        """Check each :class:`Text` control with a ``check``; show its problem beside its box."""
        for spec in self.controls:
            if not isinstance(spec, Text) or spec.check is None:
                continue
            try:
                spec.check(getattr(self, spec.name))
                problem = ""
            except ValueError as exc:
                problem = str(exc)
            self.input_errors[spec.name] = problem
            note = h("p", f"{problem}. {spec.invalid}".strip(), class_=f"rb-{spec.key}-error", role="alert")
            self.render({f"{spec.key}_error": note if problem else None})

    def _sync_figures(self) -> None:
        """Keep each figure's *initial* state (what a page that connects later draws) current.

        A plotly FigureWidget sends every change as a message and never updates the state a
        new page view starts from. Under Voila the page connects after the notebook ran, so
        whatever a share link (or anything before the first view) changed was lost: the
        figures showed their defaults. Here the start state follows the figure, silently
        (views already open got the messages)."""
        import copy

        for fig in _figure_widgets(self):
            stamp = (fig._last_trace_edit_id, fig._last_layout_edit_id)
            if getattr(fig, "_rb_synced", None) == stamp:
                continue
            fig._trait_values["_widget_data"] = copy.deepcopy(fig._data)
            fig._trait_values["_widget_layout"] = copy.deepcopy(fig._layout_obj._props)
            fig._rb_synced = stamp

    def settle(self, changed: set[str]) -> set[str]:
        """Inside ``update``: take the inputs ``update`` itself just set into ``changed``
        (so they are drawn in this round, not another)."""
        changed |= self._pending
        self._pending.clear()
        return changed

    def _react(self, changed: set[str]) -> None:
        """Built-in reactions before ``update`` (``changed`` grows with what they set): presets,
        and labels in plain or detailed wording."""
        for name, spec in self._specs.items():
            w = self._widgets.get(spec.key)
            if "detail" in changed and getattr(spec, "detail_labels", None) and hasattr(w, "relabel"):
                w.relabel({**spec.options, **spec.detail_labels} if getattr(self, "detail", False) else spec.options)
            if not isinstance(spec, Preset):
                continue
            current = getattr(self, name)
            if name in changed and current in spec.values:
                for trait, value in spec.values[current].items():
                    setattr(self, trait, value)
            elif current in spec.values and any(t in changed for t in spec.values[current]):
                if not spec.matches(current, self._specs, self.values()):
                    setattr(self, name, spec.custom)
            changed |= self._pending
            self._pending.clear()

    def values(self) -> dict[str, Any]:
        """Every control's current value, by trait name."""
        return {name: getattr(self, name) for name in self._specs}

    # ------------------------------------------------------------------ links
    def scenario_state(self) -> dict[str, str]:
        """The controls as flat strings (a share link's query)."""
        return {s.key: s.format(getattr(self, s.name)) for s in self.controls if s.link}

    def apply_scenario(self, params: Mapping[str, str] | None) -> list[str]:
        """Apply a link's settings; return plain-text notes for what was ignored. Never raises.

        Presets are applied first, then every other value, then one recompute.
        """
        try:
            items = dict(params or {})
        except Exception:  # noqa: BLE001 - hostile input is reported, never raised
            return ["The link's settings could not be read; nothing was changed."]
        notes: list[str] = []
        parsed: dict[str, Any] = {}
        for key, raw in items.items():
            spec = self._by_key.get(str(key))
            if spec is None or not spec.link:
                notes.append(f"Unknown setting '{shown(key)}' was ignored.")
                continue
            try:
                parsed[spec.name] = spec.parse(raw)
                if isinstance(parsed[spec.name], Partial):
                    notes.extend(parsed[spec.name].notes)
                    parsed[spec.name] = parsed[spec.name].value
            except ValueError as exc:
                notes.append(f"{exc}; kept {spec.format(getattr(self, spec.name)) or 'none'}.")
            except Exception:  # noqa: BLE001
                notes.append(f"{shown(key)}: could not be read; kept the current value.")
        order = sorted(parsed, key=lambda n: not isinstance(self._specs[n], Preset))
        try:
            with self.batch():
                for name in order:
                    setattr(self, name, parsed[name])
                    if isinstance(self._specs[name], Preset):
                        self._flush()  # the preset's values first; the link's own values win
        except Exception:  # noqa: BLE001 - a link must never break the page
            log.exception("apply_scenario")
            notes.append("These settings could not be applied; some defaults are shown.")
        return notes

    def reset(self) -> None:
        """Every control back to its default (presets last, so their values apply)."""
        with self.batch():
            for spec in sorted(self.controls, key=lambda c: isinstance(c, Preset)):
                setattr(self, spec.name, spec.coerce(spec.default))
                if isinstance(spec, Preset):
                    self._pending.add(spec.name)  # (re)apply its values even if it did not change
                    self._flush()

    def set(self, **values) -> None:
        """Set several controls at once (one recompute)."""
        with self.batch():
            for name, value in values.items():
                if name not in self._specs:
                    raise ValueError(f"unknown control {name!r}; controls: {', '.join(self._specs)}")
                setattr(self, name, value)


def _same(a: tuple, b: tuple | None) -> bool:
    """The same arguments: each the same object, or equal (arrays compare as different)."""
    if b is None or len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x is y:
            continue
        try:
            if not bool(x == y):
                return False
        except Exception:  # noqa: BLE001 - e.g. results holding numpy arrays: not comparable, redraw
            return False
    return True


def _figure_widgets(root: widgets.Widget):
    """Every plotly FigureWidget under ``root`` (children, recursively)."""
    stack, seen = [root], set()
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        if hasattr(w, "_widget_data") and hasattr(w, "_last_trace_edit_id"):
            yield w
        stack.extend(getattr(w, "children", ()) or ())
