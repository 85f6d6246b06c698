"""Native, labelled checkboxes as one widget (a fieldset with a legend).

One widget model for a whole group instead of one ``ipywidgets.Checkbox`` per
option. ``value`` is the list of ticked options. With ``target`` set (the
``meta`` of a trace in a plotly figure), ticking a box also shows or hides that
figure's traces whose ``legendgroup`` is the option, right in the browser (no
kernel round trip): the anatomy layer toggles. :class:`CheckGroups` puts several
groups together as one control (the symptom explorer's ticks). Widgets layer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import ipywidgets as widgets
import traitlets

__all__ = ["Checks", "CheckGroups"]

_ESM = """
export default {
  render({ model, el }) {
    const box = document.createElement("fieldset");
    box.className = "rb-checks";
    const legend = document.createElement("legend");
    legend.textContent = model.get("legend");
    box.appendChild(legend);
    const boxes = {};
    const uid = Math.random().toString(36).slice(2, 8);

    // With a target figure: its traces' visibility follows this widget's value, in this browser.
    // A click restyles only the traces whose visibility is wrong (one restyle call), then saves the
    // value; Python follows, and does not send the visibility back (it knows the browser did it).
    // The figure is checked against the value whenever either changes (a shared link, a button),
    // so the boxes, the figure and Python end in the same state whatever the message order.
    const P = () => window.Plotly;
    const target = model.get("target");
    const figures = () => target ? Array.from(document.querySelectorAll(".js-plotly-plot")).filter(
      (g) => g.data && g.data.some((t) => t.meta === target)) : [];
    // The fast way for a 3D scene: a restyle of `visible` recomputes and re-uploads every visible
    // trace of the scene (plotly's scene.plot), which a machine without a GPU pays for in the
    // hundreds of ms. Traces whose WebGL object is still there are taken out of (or put back
    // into) the drawn set instead, and the figure's data says the same, so the next full plot
    // agrees (it disposes what is hidden, updates what is shown). Anything else: restyle.
    const fast = (gd, idx, vis) => {
      try {
        const sc = gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene;
        if (!sc || !sc.glplot || !sc.traces || !gd._fullData) return false;
        const objs = idx.map((i) => {
          const fd = gd._fullData[i];
          const tr = fd && fd.index === i && sc.traces[fd.uid];
          return tr && tr.data && tr.data.type === "mesh3d" && tr.mesh ? tr.mesh : null;
        });
        if (objs.some((o) => !o)) return false;
        const drawn = sc.glplot.objects;
        idx.forEach((i, k) => {
          gd.data[i].visible = vis[k];
          gd._fullData[i].visible = vis[k];
          const o = objs[k];
          if (vis[k] && drawn.indexOf(o) < 0) sc.glplot.add(o);
          if (!vis[k]) sc.glplot.remove(o);
        });
        drawn.sort((a, b) => a._trace.data.index - b._trace.data.index);
        sc.glplot.redraw();
        return true;
      } catch (err) {
        console.warn("runback: fast layer toggle failed, restyling", err);
        return false;
      }
    };
    const watched = new WeakSet();
    const enforce = () => {
      const want = new Set(model.get("value"));
      for (const gd of figures()) {
        if (!watched.has(gd) && gd.on) {
          watched.add(gd);
          const later = () => setTimeout(enforce, 0);   // never restyle inside plotly's own dispatch
          gd.on("plotly_restyle", later);
          gd.on("plotly_update", later);
          gd.on("plotly_react", later);
        }
        if (!P() || !P().restyle) continue;
        const idx = [], vis = [];
        gd.data.forEach((t, i) => {
          if (!(t.legendgroup in boxes)) return;
          const should = want.has(t.legendgroup);
          if ((t.visible !== false) !== should) { idx.push(i); vis.push(should); }
        });
        if (!idx.length) continue;
        if (fast(gd, idx, vis)) continue;
        try {
          P().restyle(gd, { visible: vis }, idx);
        } catch (err) {
          console.warn("runback: restyle failed", err);
        }
      }
    };

    for (const key of model.get("options")) {
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.id = "rb-check-" + key + "-" + uid;
      cb.value = key;
      cb.checked = model.get("value").includes(key);
      const lab = document.createElement("label");
      lab.htmlFor = cb.id;
      lab.appendChild(cb);
      lab.appendChild(document.createTextNode(model.get("labels")[key] || key));
      box.appendChild(lab);
      boxes[key] = cb;
      cb.addEventListener("change", () => {
        model.set("value", Object.keys(boxes).filter((k) => boxes[k].checked));
        model.save_changes();
        enforce();
      });
    }
    const sync = () => {
      const v = model.get("value");
      for (const k in boxes) boxes[k].checked = v.includes(k);
      enforce();
    };
    model.on("change:value", sync);
    let tries = 0;
    const attach = () => {
      if (figures().length) enforce();
      else if (target && tries++ < 120) setTimeout(attach, 500);
    };
    attach();
    el.appendChild(box);
    return () => model.off("change:value", sync);
  },
};
"""


@functools.lru_cache(maxsize=1)
def _cls():
    import anywidget

    class Checks(anywidget.AnyWidget):
        """Checkbox group; ``value`` lists the ticked ``options``."""

        _esm = _ESM
        options = traitlets.List(traitlets.Unicode()).tag(sync=True)
        labels = traitlets.Dict().tag(sync=True)
        value = traitlets.List(traitlets.Unicode()).tag(sync=True)
        legend = traitlets.Unicode("").tag(sync=True)
        #: ``meta`` of a trace of the plotly figure whose trace visibility follows the boxes.
        target = traitlets.Unicode("").tag(sync=True)

    return Checks


def Checks(**kwargs):  # noqa: N802 - a widget class, built on first use (anywidget import)
    return _cls()(**kwargs)


class CheckGroups(widgets.VBox):
    """Several :class:`Checks` groups as one control (a :class:`~runback_widgets.ui.dashboard.MultiChoice`
    ``factory``). ``groups``: group id -> (legend, {option: label}); ``checks[group]`` is each
    group's widget, for a layout with other widgets between the groups. ``value`` lists the
    ticks of all groups in the order they were ticked: what stays ticked keeps its place, new
    ticks come last (in the groups' order)."""

    value = traitlets.List(traitlets.Unicode())

    def __init__(self, groups: Mapping[str, tuple[str, Mapping[str, str]]], value: Iterable[str] = ()):
        self.checks = {
            gid: Checks(options=list(labels), labels=dict(labels), legend=legend)
            for gid, (legend, labels) in groups.items()
        }
        self._order = [o for c in self.checks.values() for o in c.options]
        super().__init__([], layout=widgets.Layout(width="100%"))
        self.value = list(value)
        for c in self.checks.values():
            c.observe(self._gather, names="value")
        self.observe(self._spread, names="value")

    def _gather(self, _change=None) -> None:
        ticked = {o for c in self.checks.values() for o in c.value}
        kept = [o for o in self.value if o in ticked]
        want = kept + [o for o in self._order if o in ticked and o not in kept]
        if want != list(self.value):
            self.value = want

    def _spread(self, change) -> None:
        for c in self.checks.values():
            mine = [o for o in change["new"] if o in c.options]
            if list(c.value) != mine:
                c.value = mine

    def relabel(self, labels: Mapping[str, str]) -> None:
        """New labels for the options (e.g. plain or anatomical words)."""
        for c in self.checks.values():
            c.labels = {o: labels[o] for o in c.options}
