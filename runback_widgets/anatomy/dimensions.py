"""Published adult dimensions the 3D model is built from (data only, numpy-free).

Each entry gives the value the model uses and the range the tests check it
against, with the reference id (``content/references.toml``) it comes from.
Values are rounded to the millimetre or degree; they are population averages
used to draw a recognisable, typical adult lumbopelvic region, not a patient.

References
----------
panjabi_1992
    Panjabi MM, Goel V, Oxland T, et al. Human lumbar vertebrae: quantitative
    three-dimensional anatomy. Spine 1992;17(3):299-306. Vertebral body
    (upper end-plate) width and depth, posterior body height, pedicle width,
    spinal-canal width and depth, transverse-process span, by level.
amonoo_kuofi_1991
    Amonoo-Kuofi HS. Morphometric changes in the heights and anteroposterior
    diameters of the lumbar intervertebral discs with age. J Anat 1991;175:159-168.
    Disc heights rise from L1-L2 to L4-L5 (about 7 to 12 mm at mid-disc).
boulay_2006, mac_thiong_2011, legaye_1998
    Pelvic incidence (PI), sacral slope (SS) and pelvic tilt (PT) in
    asymptomatic adults: PI about 53 deg (mean +/- 2 SD 32-74), SS 24-55 deg,
    PT 0-27 deg; PI = PT + SS (Legaye et al. 1998).
neumann_kinesiology
    Lumbar lordosis (L1-S1) about 40-60 deg in standing; most of it at
    L4-L5 and L5-S1.
"""

from __future__ import annotations

#: Lumbar levels, top to bottom.
LEVELS = ("L1", "L2", "L3", "L4", "L5")

#: Vertebral dimensions [mm] per level (panjabi_1992, rounded means).
#: body_width = upper end-plate width, body_depth = upper end-plate depth,
#: body_height = posterior body height; pedicle_width, canal_width, canal_depth;
#: tp_span = tip-to-tip width across the transverse processes.
# fmt: off
VERTEBRA = {
    "L1": dict(body_width=40.0, body_depth=34.0, body_height=25.0, pedicle_width=9.0, canal_width=22.0,
               canal_depth=17.0, tp_span=72.0, spinous_length=28.0),
    "L2": dict(body_width=42.0, body_depth=35.0, body_height=26.0, pedicle_width=9.5, canal_width=22.5,
               canal_depth=17.0, tp_span=80.0, spinous_length=29.0),
    "L3": dict(body_width=44.0, body_depth=36.0, body_height=26.0, pedicle_width=11.0, canal_width=23.0,
               canal_depth=17.0, tp_span=90.0, spinous_length=29.0),
    "L4": dict(body_width=47.0, body_depth=36.0, body_height=26.0, pedicle_width=13.0, canal_width=24.0,
               canal_depth=17.0, tp_span=84.0, spinous_length=27.0),
    "L5": dict(body_width=49.0, body_depth=36.0, body_height=25.0, pedicle_width=17.0, canal_width=26.0,
               canal_depth=17.0, tp_span=92.0, spinous_length=22.0),
}
# fmt: on

#: Ranges [mm] the tests check the model's meshes against (panjabi_1992: level means
#: across L1-L5, widened by about two standard deviations).
VERTEBRA_RANGES = {
    "body_width": (36.0, 54.0),
    "body_depth": (30.0, 42.0),
    "body_height": (22.0, 30.0),
}

#: Mid-disc height [mm] (amonoo_kuofi_1991; rounded), and the range tested.
DISC_HEIGHT = {"L1_L2": 8.0, "L2_L3": 9.5, "L3_L4": 11.0, "L4_L5": 12.0, "L5_S1": 11.0}
DISC_HEIGHT_RANGE = (6.0, 16.0)

#: Share of the L1-S1 lordosis taken by each segment (most at L4-L5 and L5-S1;
#: neumann_kinesiology). Sums to 1.
LORDOSIS_SHARE = {"L1_L2": 0.08, "L2_L3": 0.12, "L3_L4": 0.17, "L4_L5": 0.27, "L5_S1": 0.36}

#: Facet-joint geometry per segment: half distance between the left and right
#: joints [mm] and the angle of the joint plane from the sagittal plane [deg]
#: (upper lumbar joints are nearly sagittal, L5-S1 nearly 45-50 deg; spine_text).
FACET = {
    "L1_L2": dict(half_spacing=13.0, angle=25.0),
    "L2_L3": dict(half_spacing=14.0, angle=30.0),
    "L3_L4": dict(half_spacing=16.0, angle=38.0),
    "L4_L5": dict(half_spacing=18.0, angle=45.0),
    "L5_S1": dict(half_spacing=21.0, angle=50.0),
}

#: Sagittal pelvic parameters in standing [deg] (boulay_2006, mac_thiong_2011, legaye_1998).
PELVIS = {
    "pelvic_incidence": 53.0,  # PI, fixed for an adult (bone shape)
    "pelvic_tilt": 13.0,  # PT in neutral standing
    "sacral_slope": 40.0,  # SS = PI - PT
}
PELVIS_RANGES = {
    "pelvic_incidence": (32.0, 74.0),
    "pelvic_tilt": (0.0, 27.0),
    "sacral_slope": (24.0, 55.0),
}

#: Lumbar lordosis L1-S1 [deg]: neutral value and the usual standing range (neumann_kinesiology).
LORDOSIS_NEUTRAL = 50.0
LORDOSIS_RANGE = (40.0, 60.0)

#: Pelvic tilt change allowed in the model [deg], anterior positive. Keeps PT
#: and SS inside the asymptomatic ranges above.
TILT_LIMITS = (-13.0, 13.0)

#: Lordosis values the model accepts when set directly [deg].
LORDOSIS_LIMITS = (30.0, 75.0)

#: Other proportions [mm]: not cited values, chosen so the drawing looks like a
#: typical adult (hip-joint centres ~17 cm apart; femoral head diameter ~48 mm).
PROPORTIONS = {
    "hip_half_spacing": 85.0,
    "femoral_head_radius": 24.0,
    "pelvic_radius": 110.0,  # hip axis to the centre of the S1 end plate
    "sacrum_length": 100.0,
    "sacrum_width": 104.0,
}

#: Which reference backs which table (for the notebook's Background table).
SOURCES = {
    "VERTEBRA": ["panjabi_1992"],
    "DISC_HEIGHT": ["amonoo_kuofi_1991"],
    "LORDOSIS_SHARE": ["neumann_kinesiology"],
    "FACET": ["spine_text"],
    "PELVIS": ["boulay_2006", "mac_thiong_2011", "legaye_1998"],
    "LORDOSIS_NEUTRAL": ["neumann_kinesiology"],
}
