"""The lumbopelvic model: ids, meshes, cited sizes, symmetry, posture coherence, no intersections."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from numpy.testing import assert_allclose

from runback_widgets import content
from runback_widgets.anatomy import dimensions as dim
from runback_widgets.anatomy import meshes
from runback_widgets.anatomy import model as am
from runback_widgets.anatomy.frames import along, normal

REQUIRED_IDS = (
    [f"L{i}" for i in range(1, 6)]
    + ["disc_L1_L2", "disc_L2_L3", "disc_L3_L4", "disc_L4_L5", "disc_L5_S1", "sacrum", "coccyx"]
    + [f"{b}_{s}" for b in ("ilium", "si_joint", "femoral_head", "sciatic_nerve") for s in ("left", "right")]
    + [f"nerve_root_{r}_{s}" for r in ("L4", "L5", "S1") for s in ("left", "right")]
    + [f"facet_{seg}_{s}" for seg in ("L1_L2", "L2_L3", "L3_L4", "L4_L5", "L5_S1") for s in ("left", "right")]
    + [
        f"{m}_{s}"
        for m in (
            "erector_spinae",
            "multifidus",
            "quadratus_lumborum",
            "gluteus_maximus",
            "gluteus_medius",
            "hamstrings_origin",
            "iliopsoas",
        )
        for s in ("left", "right")
    ]  # fmt: skip
    + ["abdominal_wall"]
)
EXPECTED_LAYER = {
    **{f"L{i}": "bones" for i in range(1, 6)},
    "sacrum": "bones",
    "coccyx": "bones",
    "ilium_left": "bones",
    "femoral_head_right": "bones",
    "disc_L4_L5": "discs",
    "facet_L4_L5_left": "joints",
    "si_joint_right": "joints",
    "nerve_root_S1_left": "nerves",
    "sciatic_nerve_right": "nerves",
    "gluteus_medius_right": "muscles",
    "abdominal_wall": "muscles",
}
TILTS = np.linspace(*dim.TILT_LIMITS, 7)


@pytest.fixture(scope="module")
def neutral():
    return am.build_model(0.0)


def test_every_required_structure_exists_with_its_layer(neutral):
    assert set(REQUIRED_IDS) == set(am.STRUCTURE_IDS)
    assert set(neutral.structures) == set(REQUIRED_IDS)
    for sid, layer in EXPECTED_LAYER.items():
        assert neutral.structures[sid].layer == layer == am.layer_of(sid)
    assert {s.layer for s in neutral.structures.values()} == set(am.LAYERS)


@pytest.mark.parametrize("sid", REQUIRED_IDS)
def test_meshes_are_not_degenerate(neutral, sid):
    st = neutral.structures[sid]
    for part, mesh in st.parts:
        v, f = mesh.vertices, mesh.faces
        assert v.ndim == 2 and v.shape[1] == 3 and np.isfinite(v).all(), (sid, part)
        assert f.min() >= 0 and f.max() < len(v), (sid, part)
        assert len(f) >= 20, (sid, part, "too few faces")
        areas = mesh.face_areas()
        assert (areas < 1e-9).mean() < 0.05, (sid, part, "many zero-area faces")
        extent = v.max(axis=0) - v.min(axis=0)
        assert (extent > 2.0).all(), (sid, part, extent)
        assert len(np.unique(f, axis=0)) == len(f), (sid, part, "duplicate faces")
    # Modest vertex counts keep the figure small.
    assert st.mesh.n_vertices < 1500, sid


def test_total_vertex_count_is_modest(neutral):
    assert sum(s.mesh.n_vertices for s in neutral.structures.values()) < 20000


def test_vertex_count_and_faces_do_not_depend_on_tilt(neutral):
    other = am.build_model(9.0)
    for sid in REQUIRED_IDS:
        for (_, a), (_, b) in zip(neutral.structures[sid].parts, other.structures[sid].parts):
            assert a.vertices.shape == b.vertices.shape
            assert np.array_equal(a.faces, b.faces)


# --------------------------------------------------------------------------- content


def test_every_structure_has_content():
    data = content.load_toml("anatomy.toml")["structure"]
    assert set(data) == set(am.STRUCTURE_IDS)
    claims = content.claims()
    for sid, s in data.items():
        for key in ("layer", "plain", "anatomical", "sentence", "detail", "pain_types", "claims"):
            assert s.get(key), (sid, key)
        assert s["layer"] == am.STRUCTURE_LAYERS[sid], sid
        assert set(s["pain_types"]) <= {"muscle", "bone", "discogenic"}, sid
        assert all(c in claims for c in s["claims"]), sid
        assert len(s["detail"]) > len(s["sentence"]), sid
    # Hover names are unique, so a picture can be named.
    plains = [s["plain"] for s in data.values()]
    assert len(set(plains)) == len(plains)


def test_pain_type_sets_and_cameras():
    d = content.load_toml("anatomy.toml")
    assert set(d["pain_type"]) == {"muscle", "bone", "discogenic"}
    for key, pt in d["pain_type"].items():
        assert set(pt["structures"]) <= set(am.STRUCTURE_IDS), key
        assert set(pt["layers"]) <= set(am.LAYERS)
        assert {am.STRUCTURE_LAYERS[s] for s in pt["structures"]} <= set(pt["layers"]), key
        assert all(c in content.claims() for c in pt["claims"])
    assert {"erector_spinae_left", "multifidus_right"} <= set(d["pain_type"]["muscle"]["structures"])
    assert {"L3", "facet_L4_L5_left"} <= set(d["pain_type"]["bone"]["structures"])
    assert {"disc_L4_L5", "nerve_root_L5_left", "nerve_root_S1_right"} <= set(
        d["pain_type"]["discogenic"]["structures"]
    )
    assert set(d["camera"]) == {"back", "side", "oblique", "above"}


def test_dimension_sources_exist():
    refs = content.references()
    for ids in dim.SOURCES.values():
        for rid in ids:
            assert rid in refs, rid


# --------------------------------------------------------------------------- sizes


def _local(built, level):
    f = built.frames[level]
    v = built.structures[level].mesh.vertices
    return (v - f["center"]) @ f["rotation"], f


@pytest.mark.parametrize("level", dim.LEVELS)
def test_vertebral_body_sizes_within_cited_ranges(neutral, level):
    loc, f = _local(neutral, level)
    W, D, H = (dim.VERTEBRA[level][k] for k in ("body_width", "body_depth", "body_height"))
    body = loc[loc[:, 1] > -D / 2 + 8]
    width = np.ptp(body[:, 0])
    height = np.ptp(body[np.abs(body[:, 0]) < W / 3][:, 2])
    front = loc[(loc[:, 1] > -D / 2 - 3) & (np.abs(loc[:, 2]) < H / 2 + 0.5)]
    depth = front[:, 1].max() - front[:, 1].min()
    for name, value in (("body_width", width), ("body_depth", depth), ("body_height", height)):
        lo, hi = dim.VERTEBRA_RANGES[name]
        assert lo <= value <= hi, (level, name, value)
    assert_allclose(width, W, rtol=0.06)  # the body is waisted: widest just off the end plates
    assert_allclose(height, H, atol=0.5)
    # The table itself lies inside the cited ranges, and the bodies grow downwards.
    for k, (lo, hi) in dim.VERTEBRA_RANGES.items():
        assert lo <= dim.VERTEBRA[level][k] <= hi


def test_widths_increase_downwards_and_l3_has_the_longest_processes():
    widths = [dim.VERTEBRA[lvl]["body_width"] for lvl in dim.LEVELS]
    assert widths == sorted(widths)
    spans = {lvl: dim.VERTEBRA[lvl]["tp_span"] for lvl in ("L1", "L2", "L3", "L4")}
    assert max(spans, key=spans.get) == "L3"


@pytest.mark.parametrize("tilt", TILTS)
def test_disc_heights_within_range_and_wedges_stay_open(tilt):
    built = am.build_model(float(tilt))
    for seg in dim.DISC_HEIGHT:
        lo, hi = dim.DISC_HEIGHT_RANGE
        f = built.frames[f"disc_{seg}"]
        assert lo <= 2 * f["half_size"][2] <= hi
        (c0, p0), (c1, p1) = f["plate_low"], f["plate_up"]
        d = f["half_size"][1]
        # Posterior and anterior disc heights (distance between plate edges) stay positive.
        post = np.linalg.norm((c1 - d * along(p1)) - (c0 - d * along(p0)))
        ant = np.linalg.norm((c1 + d * along(p1)) - (c0 + d * along(p0)))
        assert post > 2.0 and ant > post, (seg, tilt, post, ant)


# --------------------------------------------------------------------------- symmetry


def _mirror_distance(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.spatial import cKDTree

    m = a * np.array([-1.0, 1.0, 1.0])
    d, _ = cKDTree(b).query(m)
    return float(d.max())


@pytest.mark.parametrize("tilt", [0.0, -10.0, 12.0])
def test_left_right_mirror_symmetry(tilt):
    built = am.build_model(tilt)
    for sid in am.STRUCTURE_IDS:
        if sid.endswith("_left"):
            right = sid[:-5] + "_right"
            a = built.structures[sid].mesh.vertices
            b = built.structures[right].mesh.vertices
            assert a.shape == b.shape
            assert _mirror_distance(a, b) < 1e-6, sid
        elif not sid.endswith("_right"):
            v = built.structures[sid].mesh.vertices
            assert _mirror_distance(v, v) < 1e-6, f"{sid} is not symmetric about the mid-sagittal plane"


# --------------------------------------------------------------------------- posture


def test_neutral_posture_matches_the_cited_values():
    p = am.posture(0.0)
    assert p.pelvic_incidence == dim.PELVIS["pelvic_incidence"]
    assert p.sacral_slope == dim.PELVIS["sacral_slope"]
    assert p.pelvic_tilt == dim.PELVIS["pelvic_tilt"]
    assert dim.LORDOSIS_RANGE[0] <= p.lordosis <= dim.LORDOSIS_RANGE[1]
    assert_allclose(sum(p.segment_angles.values()), p.lordosis)
    assert p.segment_angles["L5_S1"] == max(p.segment_angles.values())


@pytest.mark.parametrize("tilt", TILTS)
def test_pelvic_parameters_stay_in_asymptomatic_ranges(tilt):
    p = am.posture(float(tilt))
    assert_allclose(p.pelvic_incidence, p.pelvic_tilt + p.sacral_slope)
    for k in ("pelvic_incidence", "pelvic_tilt", "sacral_slope"):
        lo, hi = dim.PELVIS_RANGES[k]
        assert lo <= getattr(p, k) <= hi, (k, getattr(p, k))


def test_more_anterior_tilt_means_larger_sacral_slope_and_lordosis():
    ps = [am.posture(float(t)) for t in TILTS]
    ss = [p.sacral_slope for p in ps]
    ll = [p.lordosis for p in ps]
    pt = [p.pelvic_tilt for p in ps]
    assert all(np.diff(ss) > 0) and all(np.diff(ll) > 0) and all(np.diff(pt) < 0)


def _angle_from_vertical(v):
    return math.degrees(math.atan2(v[1], v[2]))


@pytest.mark.parametrize("tilt,lordosis", [(0.0, None), (-13.0, None), (13.0, None), (5.0, 35.0), (-5.0, 70.0)])
def test_geometry_agrees_with_the_posture_angles(tilt, lordosis):
    """Sacral slope, pelvic tilt and lordosis measured on the built geometry."""
    built = am.build_model(tilt, lordosis)
    p = built.posture
    s1 = built.landmarks["s1_center"]
    # Pelvic tilt: angle between the vertical and the hip-axis -> S1-centre line.
    assert_allclose(math.degrees(math.atan2(-s1[1], s1[2])), p.pelvic_tilt, atol=1e-6)
    # Sacral slope: the S1 plate normal's angle from vertical; measured on the disc's lower plate.
    _, phi0 = built.frames["disc_L5_S1"]["plate_low"]
    assert_allclose(phi0, p.sacral_slope)
    # Lordosis: angle between the L1 upper plate and the S1 plate.
    l1 = built.frames["L1"]["rotation"][:, 2]
    assert_allclose(p.sacral_slope - _angle_from_vertical(l1), p.lordosis, atol=1e-6)


def test_asis_moves_forward_and_down_with_anterior_tilt():
    a0 = am.build_model(0.0).landmarks["asis_left"]
    a1 = am.build_model(10.0).landmarks["asis_left"]
    assert a1[1] > a0[1] and a1[2] < a0[2]
    it0 = am.build_model(0.0).landmarks["ischial_tuberosity_left"]
    it1 = am.build_model(-10.0).landmarks["ischial_tuberosity_left"]
    # Posterior tilt (tight hamstrings) brings the ischial tuberosity forward/down: shorter hamstring path.
    knee = np.array([95.0, -30.0, -430.0])
    assert np.linalg.norm(it1 - knee) < np.linalg.norm(it0 - knee)


def test_tight_muscles_tilt_the_pelvis_the_textbook_way():
    assert am.tilt_from_muscles(hamstrings=1.0) < 0
    assert am.tilt_from_muscles(hip_flexors=1.0) > 0
    assert am.tilt_from_muscles(0.5, 0.5) == 0
    assert am.tilt_from_muscles(1.0, 0.0, tilt=-13.0) == dim.TILT_LIMITS[0]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 20.0, -14.0, "x", None])
def test_invalid_tilt_is_a_plain_value_error(bad):
    with pytest.raises(ValueError, match="Pelvic tilt"):
        am.build_model(bad)


def test_invalid_lordosis_is_rejected():
    with pytest.raises(ValueError, match="Lordosis"):
        am.posture(0.0, lordosis=120.0)


# --------------------------------------------------------------------------- no intersections


def _obb_separated(a: dict, b: dict) -> bool:
    """Separating-axis test for two oriented boxes (center, rotation columns = axes, half_size)."""
    ca, Ra, ha = a["center"], a["rotation"], a["half_size"]
    cb, Rb, hb = b["center"], b["rotation"], b["half_size"]
    axes = [Ra[:, i] for i in range(3)] + [Rb[:, i] for i in range(3)]
    axes += [np.cross(Ra[:, i], Rb[:, j]) for i in range(3) for j in range(3)]
    t = cb - ca
    for ax in axes:
        n = np.linalg.norm(ax)
        if n < 1e-9:
            continue
        ax = ax / n
        ra = sum(ha[i] * abs(ax @ Ra[:, i]) for i in range(3))
        rb = sum(hb[i] * abs(ax @ Rb[:, i]) for i in range(3))
        if abs(t @ ax) > ra + rb:
            return True
    return False


def test_separating_axis_helper():
    box = dict(center=np.zeros(3), rotation=np.eye(3), half_size=np.ones(3))
    far = dict(box, center=np.array([0, 0, 2.5]))
    near = dict(box, center=np.array([0, 0, 1.5]))
    assert _obb_separated(box, far) and not _obb_separated(box, near)


@pytest.mark.parametrize("tilt,lordosis", list(itertools.product(TILTS, [None, *np.linspace(*dim.LORDOSIS_LIMITS, 4)])))
def test_vertebral_bodies_never_intersect(tilt, lordosis):
    built = am.build_model(float(tilt), lordosis)
    bodies = [built.frames[lvl] for lvl in dim.LEVELS]
    for a, b in itertools.combinations(bodies, 2):
        assert _obb_separated(a, b)
    # L5 stays above the S1 end plate: every corner of L5's box on the upper side of the plate.
    c0, phi = built.frames["disc_L5_S1"]["plate_low"]
    n = normal(phi)
    f = built.frames["L5"]
    corners = [
        f["center"] + f["rotation"] @ (np.array(s) * f["half_size"]) for s in itertools.product((-1, 1), repeat=3)
    ]
    assert min((c - c0) @ n for c in corners) > 1.0


# --------------------------------------------------------------------------- performance


def test_build_is_fast_and_cached():
    meshes._build.cache_clear()
    t0 = time.perf_counter()
    m = am.build_model(3.0)
    first = time.perf_counter() - t0
    assert first < 1.0, f"building the model took {first:.2f} s"
    assert am.build_model(3.2) is m  # rounded to 0.5 deg and cached


def test_figure_json_is_under_two_megabytes():
    from runback_widgets.anatomy.figures import anatomy_figure

    names = {k: v["plain"] for k, v in content.load_toml("anatomy.toml")["structure"].items()}
    t0 = time.perf_counter()
    fig, index = anatomy_figure(am.build_model(0.0), names)
    took = time.perf_counter() - t0
    size = len(fig.to_json())
    print(f"\n3D figure: {size / 1e6:.2f} MB JSON, {len(fig.data)} traces, built in {took:.2f} s")
    assert size < 2_000_000
    assert set(index) == set(am.STRUCTURE_IDS)
    assert took < 3.0
    # Hover shows the plain name of each structure.
    for t in fig.data:
        if t.meta in names:
            assert t.name == names[t.meta] and names[t.meta] in t.hovertemplate


# --------------------------------------------------------------------------- gait and nerve roots


def test_gait_pelvic_drop_on_the_swing_side_grows_when_abductors_are_weak():
    strong = am.gait_state(0.19, 1.0)
    weak = am.gait_state(0.19, 0.3)
    assert strong.stance_side == "right" and strong.swing_side == "left"
    assert weak.pelvic_drop > strong.pelvic_drop > 0
    assert weak.trendelenburg and not strong.trendelenburg
    assert weak.effort["lumbar_extensors"] > strong.effort["lumbar_extensors"]
    assert "gluteus_medius_right" in strong.working and "quadratus_lumborum_left" in strong.working
    left = am.gait_state(0.69, 0.3)
    assert left.stance_side == "left" and left.swing_side == "right"
    flight = am.gait_state(0.45, 0.3)
    assert flight.stance_side == "" and flight.pelvic_drop == 0 and not flight.trendelenburg
    assert (
        set(strong.effort) == set(am.GAIT_GROUPS) == {"hip_abductors", "hip_extensors", "deep_core", "lumbar_extensors"}
    )


def test_si_joint_motion_is_a_few_degrees_at_most():
    rots = [abs(v) for ph in np.linspace(0, 0.99, 100) for v in am.gait_state(ph).si_rotation.values()]
    assert 0.5 < max(rots) <= 4.0


def test_gait_groups_name_real_structures():
    for group, bases in am.GAIT_GROUPS.items():
        for b in bases:
            assert b in am.STRUCTURE_IDS or f"{b}_left" in am.STRUCTURE_IDS, (group, b)


def test_nerve_root_at_disc():
    assert am.nerve_root_at_disc("disc_L4_L5") == "nerve_root_L5"
    assert am.nerve_root_at_disc("disc_L5_S1") == "nerve_root_S1"
    assert am.nerve_root_at_disc("disc_L4_L5", "far_lateral") == "nerve_root_L4"
    with pytest.raises(ValueError):
        am.nerve_root_at_disc("disc_L9_L10")


@pytest.mark.parametrize("bad", [float("nan"), 0, 0.0, None, ["disc_L4_L5"], b"disc_L4_L5", "", "L4_L5_x"])
def test_nerve_root_at_disc_and_layer_of_reject_odd_input_clearly(bad):
    """NaN, zero, wrong types: a ValueError that names the parameter and the valid values (issue 10)."""
    with pytest.raises(ValueError, match="disc_id must be one of disc_L1_L2"):
        am.nerve_root_at_disc(bad)
    with pytest.raises(ValueError, match="structure_id must be one of"):
        am.layer_of(bad)
    with pytest.raises(ValueError, match="where must be"):
        am.nerve_root_at_disc("disc_L4_L5", bad)


def test_gait_numbers_come_from_the_cited_table():
    """Every gait number is in GAIT_PARAMETERS with a known reference or 'assumption'; the stance
    fraction is the load simulator's contact fraction (one source for both dashboards)."""
    from runback_widgets import content
    from runback_widgets.loadsim.params import value

    refs = content.references()
    for name, (val, unit, source, why) in am.GAIT_PARAMETERS.items():
        assert source == "assumption" or source in refs, name
        assert isinstance(val, float) and unit and why
    assert am.STANCE_FRACTION == value("run.contact_fraction")
    assert am.gait_state(am.STANCE_FRACTION * 0.99).stance_side == "right"
    assert am.gait_state(am.STANCE_FRACTION * 1.01).stance_side == ""


def test_nerve_roots_run_behind_their_disc():
    """The L5 root passes behind the L4-L5 disc; the S1 root behind L5-S1 (N04)."""
    built = am.build_model(0.0)
    for root, seg in (("L5", "L4_L5"), ("S1", "L5_S1")):
        f = built.frames[f"disc_{seg}"]
        v = built.structures[f"nerve_root_{root}_left"].mesh.vertices
        loc = (v - f["center"]) @ f["rotation"]
        near = loc[np.abs(loc[:, 2]) < f["half_size"][2] + 2]
        assert len(near), (root, seg)
        assert near[:, 1].max() < -f["half_size"][1] + 2, (root, seg)  # behind the disc's back wall


def _spinous_vertices(built, level):
    f = built.frames[level]
    v = built.structures[level].mesh.vertices
    loc = (v - f["center"]) @ f["rotation"]
    d, cd = dim.VERTEBRA[level]["body_depth"], dim.VERTEBRA[level]["canal_depth"]
    return v[(loc[:, 1] < -d / 2 - cd - 2) & (np.abs(loc[:, 0]) < 5)]


@pytest.mark.parametrize("tilt,lordosis", list(itertools.product(TILTS[::2], [None, *dim.LORDOSIS_LIMITS])))
def test_posterior_elements_stay_clear(tilt, lordosis):
    """No part of a vertebra enters its neighbour's body, and spinous processes do not touch
    (at the dashboard's settings, where the lordosis follows the tilt, they keep a few mm apart)."""
    from scipy.spatial import cKDTree

    built = am.build_model(float(tilt), lordosis)
    for upper, lower in zip(dim.LEVELS[:-1], dim.LEVELS[1:]):
        for a, b in ((upper, lower), (lower, upper)):
            f = built.frames[b]
            loc = (built.structures[a].mesh.vertices - f["center"]) @ f["rotation"]
            assert not np.all(np.abs(loc) < f["half_size"] - 0.5, axis=1).any(), (a, "inside the body of", b)
        gap = cKDTree(_spinous_vertices(built, upper)).query(_spinous_vertices(built, lower))[0].min()
        assert gap > (2.0 if lordosis is None else 1.0), (upper, lower, gap)


def test_every_tilt_is_every_half_degree_the_controls_reach_and_the_cached_models():
    """``every_tilt`` (what a classroom parent builds before forking kernels) covers the tilt
    limits in 0.5-deg steps, and its models are the ones ``build_model`` returns (so a forked
    kernel moving the pelvis builds nothing)."""
    models = am.every_tilt()
    assert len(models) == meshes.TILT_STEPS == am.build_every_tilt()
    lo, hi = dim.TILT_LIMITS
    tilts = [lo + k / 2 for k in range(len(models))]
    assert tilts[0] == lo and tilts[-1] == hi
    assert all(am.build_model(t) is m for t, m in zip(tilts, models))
    assert len({id(m) for m in models}) == len(models)
