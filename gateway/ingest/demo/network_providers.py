"""The provider side of the demo network: NPPES organizations, practitioners and pharmacies,
with their locations, services, roles in our networks, affiliations and endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gateway.ingest.demo import network_roles as choose
from gateway.ingest.demo.network_payers import PAYER_KEY, STATE_PPO
from gateway.ingest.demo.pool import Provider
from gateway.ingest.nppes import (
    ORGANIZATIONS_FILE,
    PHARMACIES_FILE,
    PRACTITIONERS_FILE,
    Row,
    Taxonomy,
    active_rows,
    code_row,
    digest,
    location_row,
    nppes_date,
    organization_row,
    practitioner_row,
    read_csv,
    taxonomies,
)
from gateway.ingest.nppes_pharmacies import pharmacy_rows

# The health system each state's NPPES organizations belong to (managing_orgs_data.csv).
SYSTEMS = {"MA": "9990010000", "CT": "9990020000", "RI": "9990030000"}
OWN = ("ACME-HMO-NET", "ACME-MEDICAID-NET", "ACME-MEDICARE-NET")
PHARMACY_TAXONOMY = "3336C0003X"
SERVICE_TYPE = "http://terminology.hl7.org/CodeSystem/service-type"


@dataclass
class ProviderRows:
    """Feed rows of the provider side, and the providers the claim generator may name."""

    organizations: list[Row] = field(default_factory=list)
    locations: dict[str, Row] = field(default_factory=dict)
    practitioners: list[Row] = field(default_factory=list)
    roles: list[Row] = field(default_factory=list)
    services: list[Row] = field(default_factory=list)
    affiliations: list[Row] = field(default_factory=list)
    endpoints: list[Row] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    state_orgs: dict[str, list[str]] = field(default_factory=dict)


def networks_for(key: str, state: str) -> list[str]:
    """The networks (source keys) a provider participates in: its state's PPO and some of ours."""
    pick = digest(key + "networks")
    nets = [STATE_PPO[state]] if state in STATE_PPO else []
    return nets + [net for i, net in enumerate(OWN) if (pick >> i) % 4 != 0]


def build_providers(source: Path, taxonomy: dict[str, Taxonomy]) -> ProviderRows:
    """All provider-side rows, deterministic for one NPPES sample."""
    rows = ProviderRows()
    for raw in read_csv(source / ORGANIZATIONS_FILE):
        add_organization(rows, organization_row(raw, taxonomy), raw, taxonomy)
    for org, place in pharmacy_rows(source / PHARMACIES_FILE):
        add_pharmacy(rows, org, place, taxonomy)
    for raw in active_rows(source / PRACTITIONERS_FILE):
        add_practitioner(rows, practitioner_row(raw, taxonomy), raw, taxonomy)
    return rows


def add_organization(
    rows: ProviderRows, org: Row, raw: dict[str, str], tax: dict[str, Taxonomy]
) -> None:
    """An NPPES organization with its location, services, endpoint and affiliations."""
    npi, state = org["key"], org["address"]["state"]
    specialty = code_row(tax, taxonomies(raw)[0][0])
    hospital = org["org_type"] == "fac"
    _enrich_organization(org, specialty, hospital)
    rows.organizations.append(org)
    rows.state_orgs.setdefault(state, []).append(npi)
    rows.endpoints.append(_endpoint(org["endpoint_keys"][0], org))
    place = _place(rows, org, "HOSP" if hospital else "OF", org["endpoint_keys"][0])
    if hospital:
        place["hours"] = choose.all_day()
    services = [_service(org, specialty, place["key"], "hosp" if hospital else "outpat")]
    if digest(npi + "tele") % 2 == 0:
        services.append(_telehealth(org, specialty, place["key"]))
    rows.services += services
    role = "hospital" if hospital else "outpatient"
    _affiliate(rows, org, role, specialty, place["key"], services[0]["key"])
    networks = tuple(networks_for(npi, state))
    rows.providers.append(
        Provider(
            npi, "organization", org["name"], specialty["code"], state, networks, (place["key"],)
        )
    )


def _enrich_organization(org: Row, specialty: Row, hospital: bool) -> None:
    """Add what NPPES lacks: health system, our credentialing, coverage, endpoint, hours."""
    npi, state = org["key"], org["address"]["state"]
    org |= {
        "partof_key": SYSTEMS.get(state),
        "qualifications": [choose.credential(npi, specialty, state)],
        "coverage_area_keys": [f"area-{state}"],
        "endpoint_keys": [f"fhir-{npi}"],
        "hours": choose.all_day() if hospital else choose.hours(npi),
    }


def add_pharmacy(rows: ProviderRows, org: Row, place: Row, tax: dict[str, Taxonomy]) -> None:
    """A CT pharmacy: organization, location, retail pharmacy service, network affiliations."""
    npi, state = org["key"], org["address"]["state"]
    specialty = code_row(tax, PHARMACY_TAXONOMY)
    org["qualifications"] = [choose.credential(npi, specialty, state)]
    org["description"] = "Retail pharmacy"
    org["hours"] = choose.hours(npi)
    rows.organizations.append(org)
    place |= {"managing_org_key": npi, "partof_key": f"area-{state}", "hours": choose.hours(npi)}
    place |= {"accessibility": choose.accessibility(npi)}
    rows.locations.setdefault(place["key"], place)
    service = _service(org, specialty, place["key"], "pharm")
    rows.services.append(service)
    _affiliate(rows, org, "pharmacy", specialty, place["key"], service["key"])
    rows.providers.append(
        Provider(
            npi,
            "pharmacy",
            org["name"],
            PHARMACY_TAXONOMY,
            state,
            tuple(networks_for(npi, state)),
            (place["key"],),
        )
    )


def add_practitioner(
    rows: ProviderRows, person: Row, raw: dict[str, str], tax: dict[str, Taxonomy]
) -> None:
    """A practitioner and, when active, one PractitionerRole per network they take part in."""
    rows.practitioners.append(person)
    npi, state = person["npi"], person["address"]["state"]
    if not rows.state_orgs.get(state):
        return
    code = taxonomies(raw)[0][0] if taxonomies(raw) else "207Q00000X"
    place = location_row(person["address"], person["phone"])
    candidates = rows.state_orgs[state]
    org_key = candidates[digest(place["key"]) % len(candidates)]
    place = _place(rows, {**person, "key": org_key}, "OF", f"fhir-{org_key}")
    nets = networks_for(npi, state)
    for net in nets:
        rows.roles.append(_role(person, raw, tax, code, org_key, place, net))
    name = " ".join([*person["given"], person["family"]])
    rows.providers.append(
        Provider(npi, "practitioner", name, code, state, tuple(nets), (place["key"],))
    )


def _role(
    person: Row,
    raw: dict[str, str],
    tax: dict[str, Taxonomy],
    code: str,
    org_key: str,
    place: Row,
    net: str,
) -> Row:
    npi = person["npi"]
    specialty = code_row(tax, code)
    return {
        "key": f"{npi}-{net}",
        "practitioner_npi": npi,
        "organization_key": org_key,
        "role_code": choose.role_code(tax.get(code)),
        "specialties": [specialty],
        "location_keys": [place["key"]],
        "service_keys": [f"svc-{org_key}"],
        "network_keys": [net],
        "endpoint_keys": [f"fhir-{org_key}"],
        "phone": person["phone"],
        "hours": place["hours"],
        "not_available": choose.holiday(),
        "new_patients": choose.accepting(npi + net),
        "credential": choose.credential(npi, specialty, person["address"]["state"]),
        "start": nppes_date(raw["Provider Enumeration Date"]),
    }


def _place(rows: ProviderRows, owner: Row, type_code: str, endpoint: str) -> Row:
    """The location at the owner's address, created once and managed by ``owner['key']``."""
    place = location_row(owner["address"], owner["phone"], type_code)
    if place["key"] in rows.locations:
        return rows.locations[place["key"]]
    state = owner["address"]["state"]
    place |= {
        "managing_org_key": owner["key"],
        "partof_key": f"area-{state}",
        "hours": choose.hours(place["key"]),
        "new_patients": choose.accepting(place["key"]),
        "accessibility": choose.accessibility(place["key"]),
        "availability_exceptions": "Closed on federal holidays.",
        "description": f"Care site at {place['name']}",
        "aliases": [place["address"]["lines"][0]] if place["address"]["lines"] else [],
        "endpoint_keys": [endpoint],
    }
    rows.locations[place["key"]] = place
    return place


def _service(org: Row, specialty: Row, place_key: str, category: str) -> Row:
    hospital = category == "hosp"
    return {
        "key": f"svc-{org['key']}",
        "organization_key": org["key"],
        "name": f"{org['name']} {'pharmacy' if category == 'pharm' else 'care'} services",
        "category": category,
        "types": [{"system": SERVICE_TYPE, "code": "76", "display": "Health Counselling"}],
        "specialties": [specialty],
        "location_keys": [place_key],
        "coverage_area_keys": [f"area-{org['address']['state']}"],
        "endpoint_keys": org.get("endpoint_keys", []),
        "comment": "Walk-ins welcome." if hospital else "Call ahead for same-day visits.",
        "phone": org["phone"],
        "appointment_required": category == "outpat",
        "hours": choose.all_day() if hospital else choose.hours(org["key"]),
        "not_available": [] if hospital else choose.holiday(),
        "availability_exceptions": "Open every day." if hospital else "Closed on federal holidays.",
        "new_patients": choose.accepting(org["key"]),
    }


def _telehealth(org: Row, specialty: Row, place_key: str) -> Row:
    service = _service(org, specialty, place_key, "outpat")
    return service | {
        "key": f"svc-tele-{org['key']}",
        "name": f"{org['name']} telehealth visits",
        "delivery": "virtual",
        "virtual_modalities": ["video", "phone"],
        "appointment_required": True,
        "comment": "Video or phone visits from home.",
    }


def _affiliate(
    rows: ProviderRows, org: Row, role: str, specialty: Row, place: str, service: str
) -> None:
    for net in networks_for(org["key"], org["address"]["state"]):
        rows.affiliations.append(
            {
                "key": f"aff-{org['key']}-{net}",
                "primary_org_key": PAYER_KEY,
                "participating_org_key": org["key"],
                "role_code": role,
                "network_keys": [net],
                "specialties": [specialty],
                "location_keys": [place],
                "service_keys": [service],
                "endpoint_keys": org.get("endpoint_keys", []),
                "phone": org["phone"],
                "start": "2025-01-01",
                "end": "2027-12-31",
            }
        )


def _endpoint(key: str, org: Row) -> Row:
    return {
        "key": key,
        "name": f"{org['name']} FHIR API",
        "address": f"https://fhir.example.org/{org['key']}/r4",
        "connection_type": "hl7-fhir-opn",
        "managing_org_key": org["key"],
        "usecase": "TREAT",
        "contact_email": f"interop-{org['key']}@example.org",
    }
