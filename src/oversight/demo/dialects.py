"""How the synthetic LAs' systems export their data: headers, labels, date formats, files.

Six dialects per dataset stand for the different case-management systems, HR trackers,
audit tools and survey tools in the region. Each is data: a header for every common field (a
few add columns the study does not use), the labels each system uses for the common codes,
and the date format. The LA configurations in ``config/authorities/`` describe these same
exports, exactly as a data lead would describe a real one.
"""

from __future__ import annotations

from typing import Any

ROLE_LABELS = [
    {
        "social_worker": "Social Worker",
        "senior_practitioner": "Senior Practitioner",
        "team_manager": "Team Manager",
        "service_manager": "Service Manager",
        "other": "Other",
    },
    {
        "social_worker": "SW",
        "senior_practitioner": "SP",
        "team_manager": "TM",
        "service_manager": "SM",
        "other": "OTH",
    },
    {
        "social_worker": "Social worker",
        "senior_practitioner": "Senior practitioner",
        "team_manager": "Team manager",
        "service_manager": "Service manager",
        "other": "Other role",
    },
    {
        "social_worker": "SOCIAL WORKER",
        "senior_practitioner": "SENIOR PRACTITIONER",
        "team_manager": "PRACTICE MANAGER",
        "service_manager": "HEAD OF SERVICE",
        "other": "OTHER",
    },
    {
        "social_worker": "Qualified Social Worker",
        "senior_practitioner": "Advanced Practitioner",
        "team_manager": "Team Leader",
        "service_manager": "Service Lead",
        "other": "Other",
    },
    {
        "social_worker": "social worker",
        "senior_practitioner": "consultant social worker",
        "team_manager": "team manager",
        "service_manager": "group manager",
        "other": "other",
    },
]
BOOL_LABELS = [("Y", "N"), ("TRUE", "FALSE"), ("Yes", "No"), ("Yes", "No"), ("Y", "N"), ("1", "0")]

SUPERVISION: list[dict[str, Any]] = [
    {
        "headers": {
            "worker_id": "Worker ID",
            "worker_role": "Worker Role",
            "agency": "Agency Worker",
            "nqsw": "NQSW",
            "session_date": "Supervision Date",
            "session_type": "Supervision Type",
            "duration_min": "Duration (mins)",
            "status": "Status",
            "family_reflection_recorded": "Family Reflection Recorded",
            "practitioner_reflection_recorded": "Practitioner Reflection Recorded",
        },
        "extra": {"Team": "team"},
        "labels": {
            "session_type": {
                "personal": "Personal Supervision",
                "case": "Case Supervision",
                "group": "Group Supervision",
            },
            "status": {"held": "Held", "cancelled": "Cancelled"},
        },
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "worker_id": "worker_ref",
            "worker_role": "job_title",
            "agency": "is_agency",
            "nqsw": "newly_qualified",
            "session_date": "date_of_supervision",
            "session_type": "supervision_kind",
            "duration_min": "length_minutes",
            "status": "outcome",
            "family_reflection_recorded": "part1_family_reflection",
            "practitioner_reflection_recorded": "part2_self_reflection",
        },
        "extra": {"record_created_by": "system"},
        "labels": {
            "session_type": {
                "personal": "1:1 personal",
                "case": "Case discussion",
                "group": "Group",
            },
            "status": {"held": "Completed", "cancelled": "Did not happen"},
        },
        "date_format": "%Y-%m-%d",
    },
    {
        "headers": {
            "worker_id": "Worker\u2019s ID",
            "worker_role": "Role",
            "agency": "Agency?",
            "nqsw": "Newly Qualified (ASYE)",
            "session_date": "Date",
            "session_type": "Type of Supervision",
            "duration_min": "Duration",
            "status": "Session Status",
            "family_reflection_recorded": "Reflection on family recorded?",
            "practitioner_reflection_recorded": "Worker\u2019s own reflection recorded?",
        },
        "extra": {},
        "labels": {
            "session_type": {"personal": "Personal", "case": "Case", "group": "Group"},
            "status": {"held": "Took place", "cancelled": "Cancelled"},
        },
        "date_format": "%d-%b-%y",
    },
    {
        "headers": {
            "worker_id": "STAFF NUMBER",
            "worker_role": "POSITION",
            "agency": "EMPLOYMENT TYPE",
            "nqsw": "ASYE",
            "session_date": "SESSION DATE",
            "session_type": "SESSION TYPE",
            "duration_min": "MINUTES",
            "status": "SESSION STATUS",
            "family_reflection_recorded": "PART 1 RECORDED",
            "practitioner_reflection_recorded": "PART 2 RECORDED",
        },
        "extra": {"LOCALITY": "team"},
        "labels": {
            "session_type": {"personal": "PERSONAL", "case": "CASE", "group": "GROUP"},
            "status": {"held": "HELD", "cancelled": "CANCELLED"},
            "agency": {True: "Agency", False: "Permanent"},
        },
        "date_format": "excel_serial",
    },
    {
        "headers": {
            "worker_id": "Employee No.",
            "worker_role": "Designation",
            "agency": "Agency (Y/N)",
            "nqsw": "NQSW (Y/N)",
            "session_date": "Supervision date",
            "session_type": "Supervision category",
            "duration_min": "Length of session (minutes)",
            "status": "Held / cancelled",
            "family_reflection_recorded": "Family reflection",
            "practitioner_reflection_recorded": "Practitioner reflection",
        },
        "extra": {"Supervisor": "supervisor", "Notes": "notes"},
        "order": [4, 0, 1, 5, 7, 6, 2, 3, 8, 9],
        "labels": {
            "session_type": {
                "personal": "Personal supervision",
                "case": "Case supervision",
                "group": "Group supervision",
            },
            "status": {"held": "Held", "cancelled": "Cancelled"},
        },
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "worker_id": "staff id",
            "worker_role": "role",
            "agency": "agency",
            "nqsw": "nqsw",
            "session_date": "date",
            "session_type": "type",
            "duration_min": "duration mins",
            "status": "status",
            "family_reflection_recorded": "family reflection (part 1)",
            "practitioner_reflection_recorded": "own reflection (part 2)",
        },
        "extra": {},
        "order": [4, 5, 0, 1, 2, 3, 7, 6, 8, 9],
        "labels": {
            "session_type": {"personal": "P", "case": "C", "group": "G"},
            "status": {"held": "H", "cancelled": "X"},
        },
        "date_format": "%d-%b-%Y",
    },
]

CASELOAD: list[dict[str, Any]] = [
    {
        "headers": {
            "child_id": "Child ID",
            "worker_id": "Allocated Worker ID",
            "legal_status": "Legal Status",
            "team_type": "Team",
            "episode_start": "Episode Start Date",
            "episode_end": "Episode End Date",
        },
        "extra": {"Gender": "gender"},
        "labels": {
            "legal_status": {
                "CIN": "Child in Need",
                "CP": "Child Protection",
                "CLA": "Child Looked After",
                "care_leaver": "Care Leaver",
            }
        },
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "child_id": "person_id",
            "worker_id": "worker_ref",
            "legal_status": "legal_status",
            "team_type": "team_type",
            "episode_start": "start_date",
            "episode_end": "end_date",
        },
        "extra": {},
        "labels": {"legal_status": {"CIN": "CIN", "CP": "CPP", "CLA": "LAC", "care_leaver": "CL"}},
        "date_format": "%Y-%m-%d",
    },
    {
        "headers": {
            "child_id": "Child\u2019s unique ID",
            "worker_id": "Key worker",
            "legal_status": "Category",
            "team_type": "Team type",
            "episode_start": "Opened",
            "episode_end": "Closed",
        },
        "extra": {"Ethnicity": "ethnicity"},
        "labels": {
            "legal_status": {
                "CIN": "Child in need",
                "CP": "Child protection plan",
                "CLA": "Looked after",
                "care_leaver": "Care leaver",
            }
        },
        "date_format": "%d-%b-%y",
    },
    {
        "headers": {
            "child_id": "LCS ID",
            "worker_id": "WORKER",
            "legal_status": "STATUS",
            "team_type": "SERVICE AREA",
            "episode_start": "EPISODE START",
            "episode_end": "EPISODE END",
        },
        "extra": {},
        "labels": {
            "legal_status": {"CIN": "CIN", "CP": "CP", "CLA": "CLA", "care_leaver": "CARE LEAVER"}
        },
        "date_format": "excel_serial",
    },
    {
        "headers": {
            "child_id": "Client No.",
            "worker_id": "Practitioner No.",
            "legal_status": "Plan type",
            "team_type": "Team name",
            "episode_start": "Date opened",
            "episode_end": "Date closed",
        },
        "extra": {"Locality": "team"},
        "order": [2, 0, 4, 5, 3, 1],
        "labels": {
            "legal_status": {
                "CIN": "CIN plan",
                "CP": "CP plan",
                "CLA": "Child in care",
                "care_leaver": "Leaving care",
            }
        },
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "child_id": "child ref",
            "worker_id": "worker",
            "legal_status": "status",
            "team_type": "team",
            "episode_start": "start",
            "episode_end": "end",
        },
        "extra": {},
        "order": [0, 2, 3, 4, 5, 1],
        "labels": {
            "legal_status": {
                "CIN": "in need",
                "CP": "protection",
                "CLA": "in care",
                "care_leaver": "leaving care",
            }
        },
        "date_format": "%d-%b-%Y",
    },
]
# Strategy discussions (an optional dataset): six systems' exports. The last does not
# record whether education attended, so it leaves the column out.
STRATEGY: list[dict[str, Any]] = [
    {
        "headers": {
            "child_id": "Child ID",
            "discussion_date": "Strategy Discussion Date",
            "police_attended": "Police Attended",
            "health_attended": "Health Attended",
            "education_attended": "Education Attended",
        },
        "extra": {"Team": "team"},
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "child_id": "person_id",
            "discussion_date": "strategy_date",
            "police_attended": "police_present",
            "health_attended": "health_present",
            "education_attended": "education_present",
        },
        "extra": {},
        "date_format": "%Y-%m-%d",
    },
    {
        "headers": {
            "child_id": "Child\u2019s unique ID",
            "discussion_date": "Date of strategy discussion",
            "police_attended": "Police?",
            "health_attended": "Health?",
            "education_attended": "School / education?",
        },
        "extra": {},
        "date_format": "%d-%b-%y",
    },
    {
        "headers": {
            "child_id": "LCS ID",
            "discussion_date": "STRAT DATE",
            "police_attended": "POLICE",
            "health_attended": "HEALTH",
            "education_attended": "EDUCATION",
        },
        "extra": {"LOCALITY": "team"},
        "date_format": "excel_serial",
    },
    {
        "headers": {
            "child_id": "Client No.",
            "discussion_date": "Strategy discussion held on",
            "police_attended": "Police in attendance",
            "health_attended": "Health in attendance",
            "education_attended": "Education in attendance",
        },
        "extra": {},
        "order": [1, 0, 2, 3, 4],
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "child_id": "child ref",
            "discussion_date": "strategy discussion",
            "police_attended": "police",
            "health_attended": "health",
        },
        "extra": {},
        "date_format": "%d-%b-%Y",
    },
]
TEAM_LABELS = [
    {
        "front_door": "MASH",
        "assessment": "Assessment",
        "cin_cp": "Safeguarding",
        "cla": "Children in Care",
        "care_leavers": "Care Leavers",
        "disabled_children": "Disabled Children",
        "other": "Other",
    },
    {
        "front_door": "front_door",
        "assessment": "assessment",
        "cin_cp": "cin_cp",
        "cla": "cla",
        "care_leavers": "leaving_care",
        "disabled_children": "cwd",
        "other": "other",
    },
    {
        "front_door": "Front Door",
        "assessment": "Assessment Team",
        "cin_cp": "Child in Need / CP",
        "cla": "Looked After Children",
        "care_leavers": "Leaving Care",
        "disabled_children": "Children with Disabilities",
        "other": "Other",
    },
    {
        "front_door": "FRONT DOOR",
        "assessment": "ASSESSMENT",
        "cin_cp": "FAMILY SAFEGUARDING",
        "cla": "CHILDREN IN CARE",
        "care_leavers": "CARE LEAVERS",
        "disabled_children": "DISABILITY",
        "other": "OTHER",
    },
    {
        "front_door": "Integrated Front Door",
        "assessment": "Initial Response",
        "cin_cp": "Children and Families",
        "cla": "Corporate Parenting",
        "care_leavers": "Young People's Service",
        "disabled_children": "Disabled Children's Team",
        "other": "Other",
    },
    {
        "front_door": "mash",
        "assessment": "assessment",
        "cin_cp": "child protection",
        "cla": "looked after",
        "care_leavers": "care leavers",
        "disabled_children": "disability",
        "other": "other",
    },
]

OVERSIGHT: list[dict[str, Any]] = [
    {
        "headers": {
            "child_id": "Child ID",
            "entry_date": "Entry Date",
            "entry_type": "Entry Type",
            "rationale_recorded": "Rationale Recorded",
        },
        "extra": {"Author Role": "author_role"},
        "labels": {
            "entry_type": {
                "case_supervision": "Case Supervision",
                "management_oversight": "Management Oversight",
                "decision": "Management Decision",
            }
        },
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "child_id": "person_id",
            "entry_date": "step_date",
            "entry_type": "step_type",
            "rationale_recorded": "has_rationale",
        },
        "extra": {"form_id": "form"},
        "labels": {
            "entry_type": {
                "case_supervision": "CASE_SUP",
                "management_oversight": "MGMT_OV",
                "decision": "DECISION",
            }
        },
        "date_format": "%Y-%m-%d",
    },
    {
        "headers": {
            "child_id": "Child\u2019s ID",
            "entry_date": "Date recorded",
            "entry_type": "Case note type",
            "rationale_recorded": "Reason for decision given?",
        },
        "extra": {},
        "labels": {
            "entry_type": {
                "case_supervision": "Supervision record",
                "management_oversight": "Manager oversight",
                "decision": "Manager decision",
            }
        },
        "date_format": "%d-%b-%y",
    },
    {
        "headers": {
            "child_id": "LCS ID",
            "entry_date": "DATE",
            "entry_type": "EPISODE TYPE",
            "rationale_recorded": "RATIONALE",
        },
        "extra": {"WORKER": "worker"},
        "labels": {
            "entry_type": {
                "case_supervision": "CASE SUPERVISION",
                "management_oversight": "MANAGEMENT OVERSIGHT",
                "decision": "DECISION",
            }
        },
        "date_format": "excel_serial",
    },
    {
        "headers": {
            "child_id": "Client No.",
            "entry_date": "Oversight date",
            "entry_type": "Oversight type",
            "rationale_recorded": "Rationale (Y/N)",
        },
        "extra": {"Team": "team"},
        "order": [1, 0, 2, 3],
        "labels": {
            "entry_type": {
                "case_supervision": "Case supervision",
                "management_oversight": "Management oversight",
                "decision": "Decision",
            }
        },
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "child_id": "child ref",
            "entry_date": "date",
            "entry_type": "type",
            "rationale_recorded": "rationale",
        },
        "extra": {},
        "order": [2, 1, 0, 3],
        "labels": {
            "entry_type": {
                "case_supervision": "supervision",
                "management_oversight": "mo",
                "decision": "decision",
            }
        },
        "date_format": "%d-%b-%Y",
    },
]

GRADE_SCALES: list[dict[str, Any]] = [
    # Ofsted words
    {
        "labels": {4: "Outstanding", 3: "Good", 2: "Requires improvement", 1: "Inadequate"},
        "map": {
            "Outstanding": 4,
            "Good": 3,
            "Requires improvement": 2,
            "Requires improvement to be good": 2,
            "Inadequate": 1,
        },
    },
    # Ofsted numbering: 1 is the best grade, the reverse of the common scale
    {"labels": {4: "1", 3: "2", 2: "3", 1: "4"}, "map": {"1": 4, "2": 3, "3": 2, "4": 1}},
    # RAG: green is good, amber requires improvement, red inadequate; no outstanding
    {"labels": {3: "Green", 2: "Amber", 1: "Red"}, "map": {"Green": 3, "Amber": 2, "Red": 1}},
    # A six-point audit tool scale, 6 best
    {
        "labels": {4: "6", 3: "4", 2: "3", 1: "1"},
        "map": {"6": 4, "5": 3, "4": 3, "3": 2, "2": 1, "1": 1},
    },
]

AUDITS: list[dict[str, Any]] = [
    {
        "headers": {
            "audit_id": "Audit ID",
            "child_id": "Child ID",
            "audit_date": "Audit Date",
            "audit_type": "Audit Type",
            "domain": "Domain",
            "grade": "Grade",
            "moderated_grade": "Moderated Grade",
        },
        "extra": {"Auditor": "auditor"},
        "labels": {
            "audit_type": {
                "routine": "Routine",
                "thematic": "Thematic",
                "multi_agency": "Multi-agency",
            }
        },
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "audit_id": "audit_ref",
            "child_id": "person_id",
            "audit_date": "completed_on",
            "audit_type": "audit_kind",
            "domain": "question_area",
            "grade": "judgement",
            "moderated_grade": "moderated_judgement",
        },
        "extra": {},
        "labels": {
            "audit_type": {"routine": "monthly", "thematic": "themed", "multi_agency": "joint"}
        },
        "date_format": "%Y-%m-%d",
    },
    {
        "headers": {
            "audit_id": "Audit no.",
            "child_id": "Child\u2019s ID",
            "audit_date": "Date of audit",
            "audit_type": "Type",
            "domain": "Area",
            "grade": "Auditor grade",
            "moderated_grade": "Moderator grade",
        },
        "extra": {},
        "labels": {
            "audit_type": {"routine": "Routine", "thematic": "Thematic", "multi_agency": "MACFA"}
        },
        "date_format": "%d-%b-%y",
    },
    {
        "headers": {
            "audit_id": "AUDIT",
            "child_id": "LCS ID",
            "audit_date": "AUDIT DATE",
            "audit_type": "AUDIT TYPE",
            "domain": "STANDARD",
            "grade": "RATING",
            "moderated_grade": "MODERATED RATING",
        },
        "extra": {},
        "labels": {
            "audit_type": {
                "routine": "ROUTINE",
                "thematic": "THEMATIC",
                "multi_agency": "MULTI AGENCY",
            }
        },
        "date_format": "excel_serial",
    },
    {
        "headers": {
            "audit_id": "Audit reference",
            "child_id": "Client No.",
            "audit_date": "Completed",
            "audit_type": "Programme",
            "domain": "Theme",
            "grade": "Rating",
            "moderated_grade": "Rating after moderation",
        },
        "extra": {"Moderator": "moderator"},
        "order": [2, 0, 1, 3, 4, 5, 6],
        "labels": {
            "audit_type": {
                "routine": "Practice week",
                "thematic": "Deep dive",
                "multi_agency": "Partnership audit",
            }
        },
        "date_format": "%d/%m/%Y",
    },
    {
        "headers": {
            "audit_id": "audit",
            "child_id": "child ref",
            "audit_date": "date",
            "audit_type": "type",
            "domain": "domain",
            "grade": "grade",
            "moderated_grade": "moderated",
        },
        "extra": {},
        "labels": {
            "audit_type": {
                "routine": "routine",
                "thematic": "thematic",
                "multi_agency": "multi-agency",
            }
        },
        "date_format": "%d-%b-%Y",
    },
]
DOMAIN_LABELS = [
    {
        "management_oversight": "Management Oversight",
        "supervision": "Supervision",
        "planning": "Planning",
        "voice_of_child": "Voice of the Child",
        "assessment": "Assessment",
        "partnership": "Partnership Working",
        "recording": "Recording",
    },
    {
        "management_oversight": "mgmt_oversight",
        "supervision": "supervision",
        "planning": "plan",
        "voice_of_child": "child_voice",
        "assessment": "assessment",
        "partnership": "partnership",
        "recording": "recording",
    },
    {
        "management_oversight": "Management oversight and supervision",
        "supervision": "Quality of supervision",
        "planning": "Plans",
        "voice_of_child": "Child\u2019s voice",
        "assessment": "Assessment",
        "partnership": "Multi-agency working",
        "recording": "Case recording",
    },
    {
        "management_oversight": "MANAGEMENT OVERSIGHT",
        "supervision": "SUPERVISION",
        "planning": "PLANNING",
        "voice_of_child": "VOICE OF CHILD",
        "assessment": "ASSESSMENT",
        "partnership": "PARTNERSHIP",
        "recording": "RECORDING",
    },
    {
        "management_oversight": "Leadership and oversight",
        "supervision": "Reflective supervision",
        "planning": "Care planning",
        "voice_of_child": "Lived experience",
        "assessment": "Assessment of need",
        "partnership": "Working together",
        "recording": "Records",
    },
    {
        "management_oversight": "oversight",
        "supervision": "supervision",
        "planning": "planning",
        "voice_of_child": "voice",
        "assessment": "assessment",
        "partnership": "partners",
        "recording": "recording",
    },
]

# Survey tools: how each exports the common items (question text varies), and the scale used.
SCALES: dict[str, dict[str, Any]] = {
    "agree5": {
        "points": 5,
        "labels": [
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
        ],
    },
    "agree4": {"points": 4, "labels": ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]},
    "agree7": {
        "points": 7,
        "labels": [
            "Strongly disagree",
            "Disagree",
            "Somewhat disagree",
            "Neither agree nor disagree",
            "Somewhat agree",
            "Agree",
            "Strongly agree",
        ],
    },
    "agree5num": {
        "points": 5,
        "labels": ["1 - Strongly disagree", "2", "3", "4", "5 - Strongly agree"],
    },
}
SURVEY: list[dict[str, Any]] = [
    {
        "tool": "Microsoft Forms",
        "id": "ID",
        "role": "What is your role?",
        "item_style": "text",
        "scale": "agree5",
        "free_text": "Anything else you want to tell us?",
        "roles": 0,
        "extra": {"Start time": "time", "Completion time": "time"},
    },
    {
        "tool": "SmartSurvey",
        "id": "Response ID",
        "role": "Role",
        "item_style": "numbered",
        "scale": "agree4",
        "free_text": "Comments",
        "roles": 2,
        "extra": {"IP Address": "ip"},
    },
    {
        "tool": "Staff survey 2023 (own tool)",
        "id": "respondent",
        "role": "job_role",
        "item_style": "code",
        "scale": "agree7",
        "free_text": "free_text",
        "roles": 1,
        "extra": {},
    },
    {
        "tool": "SurveyMonkey",
        "id": "Respondent ID",
        "role": "Which best describes your role?",
        "item_style": "curly",
        "scale": "agree5",
        "free_text": "Any other comments?",
        "roles": 4,
        "extra": {"Collector ID": "collector"},
    },
    {
        "tool": "Snap survey",
        "id": "Case number",
        "role": "Job role",
        "item_style": "dash",
        "scale": "agree5num",
        "free_text": "Other comments",
        "roles": 3,
        "extra": {},
    },
    {
        "tool": "Google Forms",
        "id": "Respondent number",
        "role": "Your role",
        "item_style": "bracket",
        "scale": "agree7",
        "free_text": "Your comments",
        "roles": 5,
        "extra": {"Timestamp": "time"},
    },
]


def item_header(style: str, number: int, item_id: str, text: str) -> str:
    """The question as one survey tool heads its column."""
    if style == "numbered":
        return f"Q{number}. {text}"
    if style == "code":
        return item_id.upper()
    if style == "curly":
        return text.replace("'", "\u2019")
    if style == "dash":
        return f"Q{number} \u2013 {text}"
    if style == "bracket":
        return f"[Supervision survey] {text}"
    return text


# File containers: which format and encoding an LA's system writes.
CONTAINERS = {
    "csv_utf8": {"format": "csv", "encoding": "utf-8"},
    "csv_bom": {"format": "csv", "encoding": "utf-8-sig"},
    "csv_cp1252": {"format": "csv", "encoding": "cp1252"},
    "csv_semicolon": {"format": "csv", "encoding": "utf-8", "delimiter": ";"},
    "xlsx": {"format": "xlsx"},
    "ods": {"format": "ods"},
}
