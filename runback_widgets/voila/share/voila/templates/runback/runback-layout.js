/* runback page behaviour on every dashboard (included by index.html.j2):
   - a "Skip to the tool" link;
   - every plotly figure redrawn at its container's width whenever that width changes
     (a view switched on, a phone turned, a column resized), not only at the next data change;
   - on touch screens, a swipe over a figure scrolls the page; a tap on it hands it the touches;
   - on a phone, the dashboard's result sentence (class rb-headline) floats at the top while it
     has scrolled out of sight and the tool is still on screen;
   - printing opens the folded lesson sections. */
(function () {
  'use strict';
  var doc = document.documentElement;

  function isTouch() {
    var mm = window.matchMedia;
    return !!(mm && (mm('(hover: none)').matches || mm('(pointer: coarse)').matches)) ||
      (navigator.maxTouchPoints > 0 && !(mm && mm('(hover: hover) and (pointer: fine)').matches));
  }
  if (isTouch()) { doc.classList.add('rb-touch'); }

  /* The tool: the first cell written by tools/nbtool.py as the tool (tag rb-tool), else the first
     output holding a widget control. */
  function toolElement() {
    return document.querySelector('.rb-tool, .celltag_rb-tool') ||
      (function () {
        var c = document.querySelector('.jp-OutputArea-output .widget-slider, .jp-OutputArea-output .widget-checkbox,' +
          ' .jp-OutputArea-output .widget-dropdown, .jp-OutputArea-output .widget-button, .jp-OutputArea-output .widget-toggle-buttons');
        return c ? c.closest('.jp-OutputArea-output') : null;
      })();
  }

  function addSkipLink() {
    if (document.querySelector('.rb-skip')) { return; }
    var nav = document.createElement('nav');
    nav.setAttribute('aria-label', 'Skip link');
    var a = document.createElement('a');
    nav.appendChild(a);
    a.className = 'rb-skip';
    a.href = '#rb-tool';
    a.textContent = 'Skip to the tool';
    a.addEventListener('click', function (ev) {
      var t = toolElement();
      if (!t) { return; }
      ev.preventDefault();
      t.scrollIntoView({block: 'start'});
      var f = t.querySelector('input, select, button, textarea, [tabindex]:not([tabindex="-1"])');
      if (f) { f.focus({preventScroll: true}); }
    });
    document.body.insertBefore(nav, document.body.firstChild);
  }

  /* Figures follow their container's width. plotly's FigureWidget view redraws itself at its
     container's size on a window resize event (and tells the kernel); fire one, once, shortly
     after any figure's container changed width. */
  var pending = null;
  var widths = new WeakMap();
  function fitFigures() {
    if (pending) { return; }
    pending = setTimeout(function () {
      pending = null;
      window.dispatchEvent(new Event('resize'));
      setTimeout(checkFigureWidths, 600);
    }, 120);
  }
  var ro = window.ResizeObserver ? new ResizeObserver(function (entries) {
    var changed = false;
    entries.forEach(function (e) {
      var w = Math.round(e.contentRect.width);
      if (w > 0 && widths.get(e.target) !== w) { widths.set(e.target, w); changed = true; }
    });
    if (changed) { fitFigures(); }
  }) : null;
  var watched = new WeakSet();
  function watchFigures(root) {
    var figs = (root || document).querySelectorAll('.js-plotly-plot');
    for (var i = 0; i < figs.length; i++) {
      var f = figs[i];
      if (watched.has(f)) { continue; }
      watched.add(f);
      if (ro && f.parentElement) { ro.observe(f.parentElement); }
      f.setAttribute('data-rb-watched', '1');
    }
  }

  /* A figure drawn at another width than its column (drawn while hidden, or its data arrived
     after the last resize): ask for a refit. At most a few times per figure and width, so a
     figure with a fixed width cannot loop. */
  var tries = new WeakMap();
  function checkFigureWidths() {
    var figs = document.querySelectorAll('.js-plotly-plot');
    for (var i = 0; i < figs.length; i++) {
      var f = figs[i], fl = f._fullLayout, p = f.parentElement;
      if (!fl || !p || f.offsetParent === null || (f.layout && f.layout.width)) { continue; }
      var cs = getComputedStyle(p);
      var cw = p.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      if (cw > 0 && Math.abs(fl.width - cw) > 2) {
        var key = Math.round(fl.width) + 'x' + Math.round(cw), t = tries.get(f) || {};
        t[key] = (t[key] || 0) + 1;
        tries.set(f, t);
        if (t[key] <= 3) { fitFigures(); }
      }
    }
  }

  /* 3D figures fill their plot: a figure whose layout.meta.rb_fit lists its camera presets (eye
     direction, and the eye distance that fills a plot of each width/height ratio; see
     runback_widgets/anatomy/view3d.py) has a preset's eye moved to the distance for its real
     ratio, after the first draw, a resize or a camera change from Python. A camera the user turned
     or zoomed is left alone (only a preset direction at a distance Python or this code set moves). */
  var fitted = new WeakMap();
  function interp(xs, ys, x) {
    if (x <= xs[0]) { return ys[0]; }
    for (var i = 1; i < xs.length; i++) {
      if (x <= xs[i]) { var t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]); return ys[i - 1] + t * (ys[i] - ys[i - 1]); }
    }
    return ys[ys.length - 1];
  }
  function fit3d(gd) {
    var fl = gd._fullLayout, meta = gd.layout && gd.layout.meta, fit = meta && meta.rb_fit;
    if (!fit || !fl || !fl.scene || !fl.width || !fl.height || !window.Plotly) { return; }
    var cam = gd.layout.scene && gd.layout.scene.camera;
    if (!cam || !cam.eye) { return; }
    var c = cam.center || {x: 0, y: 0, z: 0}, e = cam.eye;
    var v = [e.x - c.x, e.y - c.y, e.z - c.z], d = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (!(d > 0)) { return; }
    var ratio = fl.width / fl.height, names = Object.keys(fit.presets);
    for (var i = 0; i < names.length; i++) {
      var p = fit.presets[names[i]], u = p.dir;
      if ((v[0] * u[0] + v[1] * u[1] + v[2] * u[2]) / d < 0.99999) { continue; }
      var nominal = p.nominal, mine = fitted.get(gd);
      var ours = Math.abs(d - nominal) < 2e-3 || (mine !== undefined && Math.abs(d - mine) < 2e-3);
      if (!ours) { return; }
      var want = interp(fit.aspects, p.d, ratio);
      if (Math.abs(want - d) < 2e-3) { return; }
      fitted.set(gd, want);
      var eye = {x: c.x + u[0] * want, y: c.y + u[1] * want, z: c.z + u[2] * want};
      setTimeout(function () {  // never inside plotly's own event dispatch
        window.Plotly.relayout(gd, {'scene.camera.eye': eye, _doNotReportToPy: true});
      }, 0);
      return;
    }
  }
  var fitWatched = new WeakSet();
  function watch3d() {
    var figs = document.querySelectorAll('.js-plotly-plot');
    for (var i = 0; i < figs.length; i++) {
      var gd = figs[i];
      if (fitWatched.has(gd) || !gd.on || !(gd.layout && gd.layout.meta && gd.layout.meta.rb_fit)) { continue; }
      fitWatched.add(gd);
      // A camera from Python comes as a relayout, or as an update when the labels move with it.
      var refit = (function (g) { return function () { fit3d(g); }; })(gd);
      gd.on('plotly_relayout', refit);
      gd.on('plotly_update', refit);
      gd.on('plotly_react', refit);
      fit3d(gd);
    }
  }

  /* Touch: the figure gets the touches after a tap on it, and gives them back after a tap elsewhere. */
  document.addEventListener('click', function (ev) {
    if (!doc.classList.contains('rb-touch')) { return; }
    var fig = ev.target.closest ? ev.target.closest('.js-plotly-plot') : null;
    var active = document.querySelectorAll('.js-plotly-plot.rb-plot-active');
    for (var i = 0; i < active.length; i++) { if (active[i] !== fig) { active[i].classList.remove('rb-plot-active'); } }
    if (fig && !fig.classList.contains('rb-plot-active')) { fig.classList.add('rb-plot-active'); }
  }, true);

  /* Scrollable boxes (wide tables, equations) can be reached and scrolled with the keyboard. */
  function focusableScrollers() {
    var boxes = document.querySelectorAll('.jp-RenderedHTMLCommon table, .widget-html-content table, .jp-RenderedHTMLCommon mjx-container[display="true"]');
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1) {
        if (!b.hasAttribute('tabindex')) { b.setAttribute('tabindex', '0'); b.setAttribute('data-rb-scrolls', '1'); }
      } else if (b.getAttribute('data-rb-scrolls')) {
        b.removeAttribute('tabindex'); b.removeAttribute('data-rb-scrolls');
      }
    }
  }

  /* Floating headline on a phone. */
  var floatBox = null;
  function floatHeadline() {
    var heads = document.querySelectorAll('.rb-headline');
    if (!heads.length || window.innerWidth > 600) { if (floatBox) { floatBox.hidden = true; } return; }
    if (!floatBox) {
      floatBox = document.createElement('div');
      floatBox.className = 'rb-float-headline';
      floatBox.setAttribute('aria-hidden', 'true');  // a copy: screen readers read the real one
      floatBox.hidden = true;
      document.body.appendChild(floatBox);
    }
    var vh = window.innerHeight, show = null;
    for (var i = 0; i < heads.length && !show; i++) {
      var h = heads[i], r = h.getBoundingClientRect();
      var app = h.closest('.jp-OutputArea-output') || h.parentElement;
      var ar = app.getBoundingClientRect();
      var text = (h.innerText || '').trim();
      var outOfSight = r.bottom < 0 || r.top > vh;
      var appOnScreen = ar.top < vh * 0.5 && ar.bottom > vh * 0.5;
      if (text && outOfSight && appOnScreen) { show = text; }
    }
    if (show) { if (floatBox.textContent !== show) { floatBox.textContent = show; } floatBox.hidden = false; }
    else { floatBox.hidden = true; }
  }

  function tick() {
    var t = toolElement();
    // A page with a tool gets the skip link (the landing page has none: nothing to skip to).
    if (t && !document.getElementById('rb-tool')) { t.id = 'rb-tool'; addSkipLink(); }
    watchFigures();
    watch3d();
    checkFigureWidths();
    focusableScrollers();
    floatHeadline();
  }

  function start() {
    tick();
    var mo = new MutationObserver(function () {
      if (start._t) { return; }
      start._t = setTimeout(function () { start._t = null; tick(); }, 200);
    });
    mo.observe(document.body, {childList: true, subtree: true, characterData: true});
    // scroll events do not bubble; a capturing listener hears #rendered_cells (Voila's scroller)
    document.addEventListener('scroll', floatHeadline, {capture: true, passive: true});
    window.addEventListener('resize', function () { focusableScrollers(); floatHeadline(); });
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }

  /* Printing: open the folded lesson sections, and put them back afterwards. */
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () { opened.forEach(function (d) { d.open = false; }); opened = []; });
})();
