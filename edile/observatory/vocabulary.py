"""The controlled vocabularies and the benchmark's codebook, as data.

Codes are stable: partners exchange files with them (docs/observatory.md). The seed migration
copies these lists into the database; analysts may add terms in the admin.
"""

from __future__ import annotations

# (code, English label, French label, English definition, French definition)
VIOLATION_TYPES: list[tuple[str, str, str, str, str]] = [
    (
        "killing",
        "Killing",
        "Assassinat",
        "Intentional killing of the victim.",
        "Mise à mort intentionnelle de la victime.",
    ),
    (
        "attempted_killing",
        "Attempted killing",
        "Tentative d’assassinat",
        "An attack intended to kill, which the victim survived.",
        "Attaque destinée à tuer, à laquelle la victime a survécu.",
    ),
    (
        "physical_assault",
        "Physical assault",
        "Agression physique",
        "Violence against the body of the victim that was not intended to kill.",
        "Violence contre l’intégrité physique de la victime, sans intention de tuer.",
    ),
    (
        "kidnapping",
        "Kidnapping or enforced disappearance",
        "Enlèvement ou disparition forcée",
        "Abduction by any actor, or deprivation of liberty by state agents followed by a "
        "refusal to acknowledge it.",
        "Enlèvement par quiconque, ou privation de liberté par des agents de l’État suivie du "
        "refus de la reconnaître.",
    ),
    (
        "threat",
        "Threat or intimidation",
        "Menace ou intimidation",
        "Threats of harm against the victim, made in person, in writing or through others.",
        "Menaces de porter atteinte à la victime, en personne, par écrit ou par des tiers.",
    ),
    (
        "arbitrary_detention",
        "Arbitrary arrest or detention",
        "Arrestation ou détention arbitraire",
        "Deprivation of liberty without a legal basis or due process.",
        "Privation de liberté sans base légale ni procédure régulière.",
    ),
    (
        "judicial_harassment",
        "Judicial harassment",
        "Harcèlement judiciaire",
        "Abusive or repeated prosecution used to hinder the exercise of the mandate.",
        "Poursuites abusives ou répétées visant à entraver l’exercice du mandat.",
    ),
    (
        "arbitrary_dismissal",
        "Arbitrary suspension or dismissal",
        "Suspension ou révocation arbitraire",
        "Suspension or removal from office without a legal basis or judicial review.",
        "Suspension ou révocation du mandat sans base légale ni contrôle juridictionnel.",
    ),
    (
        "attack_on_family_or_property",
        "Attack on family or property",
        "Atteinte à la famille ou aux biens",
        "Violence or threats against relatives, or damage to the victim’s home or property.",
        "Violences ou menaces contre des proches, ou dégâts au domicile ou aux biens de la victime.",
    ),
    (
        "online_harassment",
        "Online harassment",
        "Harcèlement en ligne",
        "Repeated abuse, threats or disclosure of private data through digital means.",
        "Insultes, menaces ou divulgation de données privées répétées par voie numérique.",
    ),
]

# (code, English name, French name, weight, [(criterion code, English, French)])

# The Venice Commission's criteria on the dismissal of local elected officials
# (CDL-AD(2019)011): (code, name in English, name in French, question in English, question in
# French). Seeded into the "security_of_tenure" pillar by migration 0004.
VENICE_DISMISSAL_CRITERIA_TEXT = [
    (
        "dismissal_exhaustive_grounds",
        "The law lists the grounds for dismissal exhaustively",
        "La loi énumère limitativement les motifs de révocation",
        "Does the law list, exhaustively and precisely, the grounds on which a mayor may be "
        "suspended or dismissed (CDL-AD(2019)011)?",
        "La loi énumère-t-elle de façon limitative et précise les motifs pour lesquels un maire "
        "peut être suspendu ou révoqué (CDL-AD(2019)011)\u00a0?",
    ),
    (
        "dismissal_right_to_be_heard",
        "The mayor is heard before a dismissal",
        "Le maire est entendu avant une révocation",
        "Does the mayor have the right to be heard, with access to the file, before a "
        "suspension or a dismissal is decided?",
        "Le maire a-t-il le droit d’être entendu, avec accès au dossier, avant qu’une suspension "
        "ou une révocation ne soit décidée\u00a0?",
    ),
    (
        "dismissal_responsibilities_apart",
        "Political and legal responsibility are kept apart",
        "Responsabilités politique et juridique sont distinguées",
        "Does the law keep political responsibility (for the voters or the council) apart from "
        "legal responsibility (for a court), so that a dismissal is not a political sanction?",
        "La loi distingue-t-elle la responsabilité politique (devant les électeurs ou le "
        "conseil) de la responsabilité juridique (devant un juge), pour qu’une révocation ne "
        "soit pas une sanction politique\u00a0?",
    ),
    (
        "dismissal_reinstatement",
        "A mayor unlawfully dismissed is reinstated",
        "Un maire révoqué illégalement est rétabli",
        "When a court annuls a suspension or a dismissal, is the mayor reinstated and compensated?",
        "Lorsqu’un juge annule une suspension ou une révocation, le maire est-il rétabli dans "
        "ses fonctions et indemnisé\u00a0?",
    ),
]
VENICE_DISMISSAL_CRITERIA = [
    (c, en, fr) for c, en, fr, _q_en, _q_fr in VENICE_DISMISSAL_CRITERIA_TEXT
]

PILLARS: list[tuple[str, str, str, int, list[tuple[str, str, str]]]] = [
    (
        "legal_status",
        "Legal status of the mandate",
        "Statut juridique du mandat",
        1,
        [
            (
                "status_in_constitution",
                "The local mandate is protected by the constitution",
                "Le mandat local est protégé par la constitution",
            ),
            (
                "status_in_law",
                "A law defines the rights and duties of local elected officials",
                "Une loi définit les droits et devoirs des élus locaux",
            ),
        ],
    ),
    (
        "security_of_tenure",
        "Security of tenure",
        "Stabilité du mandat",
        2,
        [
            (
                "who_may_dismiss",
                "Only a court may suspend or dismiss a mayor",
                "Seul un juge peut suspendre ou révoquer un maire",
            ),
            (
                "judicial_review",
                "Suspension and dismissal are subject to prompt judicial review",
                "Suspension et révocation font l’objet d’un contrôle juridictionnel rapide",
            ),
            # Venice Commission, CDL-AD(2019)011, on the dismissal of local elected officials.
            *VENICE_DISMISSAL_CRITERIA,
        ],
    ),
    (
        "arrest_protection",
        "Protection against arbitrary arrest and prosecution",
        "Protection contre l’arrestation et les poursuites arbitraires",
        2,
        [
            (
                "privileged_jurisdiction",
                "Safeguards before the arrest or prosecution of a mayor",
                "Garanties préalables à l’arrestation ou aux poursuites contre un maire",
            ),
            (
                "pretrial_limits",
                "Pre-trial detention is limited and reviewed",
                "La détention provisoire est limitée et contrôlée",
            ),
        ],
    ),
    (
        "physical_protection",
        "Physical protection and aggravated penalties",
        "Protection physique et circonstances aggravantes",
        2,
        [
            (
                "aggravated_penalties",
                "Attacks on elected officials carry aggravated penalties",
                "Les atteintes aux élus sont punies de peines aggravées",
            ),
            (
                "protection_on_request",
                "Protection is provided on request when threatened",
                "Une protection est accordée sur demande en cas de menace",
            ),
        ],
    ),
    (
        "online_harassment",
        "Online harassment",
        "Harcèlement en ligne",
        1,
        [
            (
                "online_offence",
                "Online harassment of officials is an offence",
                "Le harcèlement en ligne des élus est une infraction",
            ),
        ],
    ),
    (
        "gender_violence",
        "Gender-based political violence",
        "Violence politique fondée sur le genre",
        1,
        [
            (
                "gender_law",
                "A law addresses violence against women in politics",
                "Une loi traite de la violence faite aux femmes en politique",
            ),
        ],
    ),
    (
        "remedies",
        "Remedies and accountability",
        "Recours et responsabilité",
        2,
        [
            (
                "legal_aid",
                "State-funded legal aid for officials attacked for their mandate",
                "Aide juridique de l’État aux élus attaqués du fait de leur mandat",
            ),
            ("compensation", "Victims are compensated", "Les victimes sont indemnisées"),
        ],
    ),
    (
        "monitoring",
        "Official monitoring",
        "Suivi officiel",
        1,
        [
            (
                "official_statistics",
                "The state publishes statistics of attacks on officials",
                "L’État publie des statistiques des atteintes aux élus",
            ),
        ],
    ),
    (
        "international",
        "International commitments",
        "Engagements internationaux",
        1,
        [
            (
                "charter_ratified",
                "A regional charter of local self-government is ratified",
                "Une charte régionale de l’autonomie locale est ratifiée",
            ),
        ],
    ),
]
