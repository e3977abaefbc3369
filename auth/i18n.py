"""Member page text in English and Spanish; the language comes from ``?lang=`` or the browser."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "es")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title_login": "Sign in to your health plan",
        "username": "Username",
        "password": "Password",
        "sign_in": "Sign in",
        "login_failed": "The username or password is not correct, or the account is locked.",
        "title_consent": "Allow an app to see your data",
        "consent_intro": "The app {app} asks to see this data about {patient}:",
        "choose_patient": "Whose record should the app see?",
        "all_types": "All your health and claims data",
        "keep_access": "Keep access after you close the app (up to 13 months)",
        "allow": "Allow",
        "deny": "Deny",
        "title_apps": "Apps connected to your account",
        "no_apps": "No app is connected to your account.",
        "revoke": "Disconnect",
        "connected_on": "connected on",
        "scope": "Access",
        "title_history": "Who accessed your record",
        "no_history": "No access has been recorded.",
        "when": "When",
        "app": "App",
        "what": "What",
        "outcome": "Outcome",
        "language": "Language",
        "sign_out": "Sign out",
        "error": "The request cannot be processed.",
        "nothing_selected": "Choose at least one kind of data, or choose Deny.",
    },
    "es": {
        "title_login": "Inicie sesión en su plan de salud",
        "username": "Nombre de usuario",
        "password": "Contraseña",
        "sign_in": "Iniciar sesión",
        "login_failed": "El usuario o la contraseña no son correctos, o la cuenta está bloqueada.",
        "title_consent": "Permitir que una aplicación vea sus datos",
        "consent_intro": "La aplicación {app} pide ver estos datos de {patient}:",
        "choose_patient": "¿Qué expediente debe ver la aplicación?",
        "all_types": "Todos sus datos de salud y reclamaciones",
        "keep_access": "Mantener el acceso después de cerrar la aplicación (hasta 13 meses)",
        "allow": "Permitir",
        "deny": "Rechazar",
        "title_apps": "Aplicaciones conectadas a su cuenta",
        "no_apps": "Ninguna aplicación está conectada a su cuenta.",
        "revoke": "Desconectar",
        "connected_on": "conectada el",
        "scope": "Acceso",
        "title_history": "Quién accedió a su expediente",
        "no_history": "No hay accesos registrados.",
        "when": "Cuándo",
        "app": "Aplicación",
        "what": "Qué",
        "outcome": "Resultado",
        "language": "Idioma",
        "sign_out": "Cerrar sesión",
        "error": "No se puede procesar la solicitud.",
        "nothing_selected": "Elija al menos un tipo de datos, o elija Rechazar.",
    },
}


# Plain-language names of the data types members see most; other types show their FHIR name.
TYPE_NAMES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "Patient": "Your demographics",
        "Coverage": "Your coverage and plan",
        "ExplanationOfBenefit": "Your claims (explanations of benefit)",
        "Observation": "Test results and measurements",
        "Condition": "Conditions and diagnoses",
        "MedicationRequest": "Prescriptions",
        "MedicationDispense": "Filled prescriptions",
        "Procedure": "Procedures",
        "Immunization": "Immunizations",
        "AllergyIntolerance": "Allergies",
        "Encounter": "Visits",
        "AuditEvent": "The access log",
    },
    "es": {
        "Patient": "Sus datos personales",
        "Coverage": "Su cobertura y plan",
        "ExplanationOfBenefit": "Sus reclamaciones (explicaciones de beneficios)",
        "Observation": "Resultados de pruebas y mediciones",
        "Condition": "Afecciones y diagnósticos",
        "MedicationRequest": "Recetas",
        "MedicationDispense": "Recetas surtidas",
        "Procedure": "Procedimientos",
        "Immunization": "Vacunas",
        "AllergyIntolerance": "Alergias",
        "Encounter": "Consultas",
        "AuditEvent": "El registro de accesos",
    },
}


def choose_language(explicit: str | None, accept_language: list[str]) -> str:
    """The page language: an explicit choice, else the browser's best match, else English."""
    if explicit in LANGUAGES:
        return str(explicit)
    for tag in accept_language:
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return "en"
