"""Birth control for iPLEDGE: the methods it accepts, in its two categories, and whether a course has enough.

Source: the iPLEDGE REMS programme (patient guide and birth-control materials). A patient who can get pregnant
uses two forms of birth control together, at least one of them primary, from a month before treatment to a
month after it (or commits to continuous abstinence, which this diary does not record). Not acceptable to
iPLEDGE: progestin-only "minipills", the progesterone T IUD, female condoms, natural family planning (rhythm)
or breastfeeding, fertility awareness, withdrawal and the cervical shield.

Courses saved before these codes existed hold free text: it is shown as written and counts as no method.
"""

# Codes are what courses.contraception_primary / contraception_secondary store (String 80).
PRIMARY_METHODS = {
    "tubal_sterilization": "Tubal sterilization",
    "partner_vasectomy": "Partner's vasectomy",
    "iud": "Intrauterine device (IUD)",
    "implant": "Hormonal implant",
    "injection": "Hormonal injection",
    "combined_pill": "Combined birth-control pill (estrogen and progestin)",
    "patch": "Birth-control patch",
    "vaginal_ring": "Vaginal ring",
}
SECONDARY_METHODS = {
    "male_condom": "Male latex condom (with or without spermicide)",
    "diaphragm": "Diaphragm with spermicide",
    "cervical_cap": "Cervical cap with spermicide",
    "vaginal_sponge": "Vaginal sponge (contains spermicide)",
}
METHODS = {**PRIMARY_METHODS, **SECONDARY_METHODS}
NOT_ACCEPTED = (
    "the progestin-only “minipill”, female condoms, natural family planning, fertility awareness and "
    "withdrawal"
)


def method_label(value: str | None) -> str | None:
    """What to show for a stored method: its label, or old free text as it was written."""
    if not value:
        return None
    return METHODS.get(value, value)


def birth_control_problem(primary: str | None, secondary: str | None) -> str | None:
    """What falls short of iPLEDGE's two methods with at least one primary (None when nothing does)."""
    methods = [m for m in (primary, secondary) if m in METHODS]
    if len(set(methods)) < 2:
        count = len(set(methods))
        return "no method recorded" if count == 0 else "one method recorded"
    if not any(m in PRIMARY_METHODS for m in methods):
        return "no primary method recorded"
    return None
