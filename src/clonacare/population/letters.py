"""The letter (or email) that goes with an invitation to an assessment.

Plain words, no blame: the person has done nothing wrong by taking a medicine they were
prescribed. The letter says why the program is writing, what it offers, that nothing
changes unless they want it to, that stopping suddenly is not safe, and how to say no.
It names no flag and no figure: those are for the clinician, and a letter may be read
by someone other than the person it is for. Staff copy or print it and add their
contact details.
"""

from __future__ import annotations

PARAGRAPHS = (
    "Dear {name},",
    (
        "We are {program}. We help people who take a benzodiazepine, a group of medicines"
        " that includes alprazolam (Xanax), clonazepam (Klonopin), lorazepam (Ativan) and"
        " diazepam (Valium), and who would like to talk about how it is working for them."
    ),
    (
        "We are writing because our records show you have been prescribed one of these "
        "medicines. Many people take them for a long time, often on good advice. Over "
        "time some people find the medicine helps less than it did, or they would like to"
        " take less, or they are not sure. Any of that is worth a conversation, and none "
        "of it is a failing."
    ),
    "What we offer, only if you want it:",
    (
        "- a private conversation with one of our clinicians about your medicine, your "
        "sleep, your worries and anything else you want to raise;\n"
        "- if you decide you would like to change anything, a plan made with you, at a "
        "pace you are comfortable with, and support along the way."
    ),
    (
        "Please do not stop or cut down your medicine suddenly on your own: doing that "
        "can make you unwell. If you ever want to change how you take it, we, or the "
        "person who prescribes it, will help you do it safely."
    ),
    "If you would like to talk, reply to this letter or contact us using the details below.",
    (
        "If you would rather not, you do not need to do anything. Saying no, or not "
        "answering, does not change the care you get from us. If you would rather not "
        "hear from us about this again, tell us so when you reply."
    ),
    "With best wishes,",
    "{program}",
)
LETTER = "\n\n".join(PARAGRAPHS) + "\n"
"""The letter, one line a paragraph (and a line an item): an email or a word processor
wraps it to its own width."""

NAME_FALLBACK = "Sir or Madam"


def invitation_letter(program: str, name: str = "") -> str:
    """The letter for one invitation: ``program``'s name, and the person's ``name``
    when it is known (the dispensing file does not carry names)."""
    return LETTER.format(program=program, name=name.strip() or NAME_FALLBACK)
