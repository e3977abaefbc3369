"""One sample record of every directory record kind (golden files and validation use these)."""

from __future__ import annotations

from mappings.directory_records import (
    AddressRecord,
    CodeRecord,
    ContactRecord,
    EndpointRecord,
    HealthcareServiceRecord,
    HoursRecord,
    InsurancePlanRecord,
    LanguageRecord,
    LocationRecord,
    NetworkRecord,
    OrganizationAffiliationRecord,
    OrganizationRecord,
    PractitionerRecord,
    PractitionerRoleRecord,
    QualificationRecord,
    UnavailableRecord,
)

NUCC = "http://nucc.org/provider-taxonomy"
ADDRESS = AddressRecord(("114 Woodland St",), "Hartford", "CT", "06105", "US", 41.7732, -72.7022)
WEEKDAYS = HoursRecord(("mon", "tue", "wed", "thu", "fri"), False, "08:00:00", "17:00:00")
WEEKEND = HoursRecord(("sat", "sun"), True)
INTERNIST = CodeRecord(NUCC, "207R00000X", "Internal Medicine Physician")
CREDENTIAL = QualificationRecord(
    CodeRecord(NUCC, "207R00000X", "Internal Medicine Physician"),
    "Acme Credentialing Committee",
    "active",
    "CRED-1255334207",
    "2024-01-01",
    "2026-12-31",
    "CT",
)

PRACTITIONER = PractitionerRecord(
    npi="1255334207",
    family="Soucier",
    given=("Richard",),
    phone="860-714-4820",
    address=ADDRESS,
    prefix="Dr.",
    suffix="MD",
    gender="male",
    languages=(LanguageRecord("en", "English", "50"), LanguageRecord("es", "Spanish", "30")),
    qualifications=(
        QualificationRecord(
            CodeRecord("http://terminology.hl7.org/CodeSystem/v2-0360", "MD", "Doctor of Medicine"),
            "Connecticut Department of Public Health",
            "active",
            "033435",
            "2005-05-23",
            None,
            "CT",
        ),
    ),
)
ORGANIZATION = OrganizationRecord(
    key="1982607537",
    name="Greater New Bedford Community Health Center",
    org_type="prvgrp",
    phone="508-992-6553",
    address=AddressRecord(("874 Purchase St",), "New Bedford", "MA", "02740", "US", 41.64, -70.93),
    npi="1982607537",
    tin="042657800",
    aliases=("GNBCHC",),
    url="https://gnbchc.example.org",
    partof_key="9990010000",
    description="Community health center serving the South Coast.",
    contact=ContactRecord("Cheryl Bartlett", "508-992-6553"),
    qualifications=(CREDENTIAL,),
    coverage_area_keys=("area-MA",),
    endpoint_keys=("fhir-1982607537",),
)
NETWORK = NetworkRecord(
    key="HPID040000",
    name="Acme of Connecticut Preferred Provider Network",
    owner_key="9990150000",
    phone="959-555-5555",
    address=AddressRecord(("690 Asylum Avenue",), "Hartford", "CT", "06101"),
    aliases=("Acme CT PPO",),
    contact=ContactRecord("Network Services", "959-555-5555"),
    coverage_area_keys=("area-CT",),
    endpoint_keys=("portal-9990150000",),
)
LOCATION = LocationRecord(
    key="loc-1255334207",
    name="Woodland Street Internal Medicine",
    type_code="OF",
    address=ADDRESS,
    phone="860-714-4820",
    aliases=("Woodland IM",),
    description="Primary care office on the ground floor.",
    managing_org_key="1982607537",
    partof_key="area-CT",
    hours=(WEEKDAYS, WEEKEND),
    availability_exceptions="Closed on federal holidays.",
    new_patients="newpt",
    accessibility=("handiaccess", "pubtrans"),
    endpoint_keys=("fhir-1982607537",),
)
AREA = LocationRecord(
    key="area-CT",
    name="State of Connecticut",
    type_code="AREA",
    address=AddressRecord((), "Hartford", "CT", "06106"),
    description="Coverage area: the State of Connecticut.",
    boundary_geojson='{"type":"Feature","geometry":{"type":"Polygon","coordinates":'
    "[[[-73.7,41.0],[-71.8,41.0],[-71.8,42.05],[-73.7,42.05],[-73.7,41.0]]]}}",
)
ROLE = PractitionerRoleRecord(
    key="1255334207-1982607537",
    practitioner_npi="1255334207",
    organization_key="1982607537",
    role_code="ph",
    specialties=(INTERNIST,),
    location_keys=("loc-1255334207",),
    service_keys=("svc-1982607537",),
    network_keys=("HPID040000",),
    endpoint_keys=("fhir-1982607537",),
    phone="860-714-4820",
    hours=(WEEKDAYS,),
    not_available=(UnavailableRecord("Closed for staff training", "2026-12-24", "2026-12-26"),),
    new_patients="newpt",
    credential=CREDENTIAL,
    start="2024-01-01",
)
SERVICE = HealthcareServiceRecord(
    key="svc-1982607537",
    organization_key="1982607537",
    name="Primary care and telehealth visits",
    category="prov",
    types=(
        CodeRecord("http://terminology.hl7.org/CodeSystem/service-type", "124", "General Practice"),
    ),
    specialties=(INTERNIST,),
    location_keys=("loc-1255334207",),
    coverage_area_keys=("area-CT",),
    endpoint_keys=("fhir-1982607537",),
    comment="Video visits for established patients.",
    phone="860-714-4820",
    appointment_required=True,
    hours=(WEEKDAYS,),
    not_available=(UnavailableRecord("Closed on Thanksgiving", "2026-11-26", "2026-11-26"),),
    availability_exceptions="Closed on federal holidays.",
    delivery="virtual",
    virtual_modalities=("video", "phone"),
    new_patients="newpt",
)
AFFILIATION = OrganizationAffiliationRecord(
    key="aff-9990150000-1982607537",
    primary_org_key="9990150000",
    participating_org_key="1982607537",
    role_code="outpatient",
    network_keys=("HPID040000",),
    specialties=(INTERNIST,),
    location_keys=("loc-1255334207",),
    service_keys=("svc-1982607537",),
    endpoint_keys=("fhir-1982607537",),
    phone="508-992-6553",
    start="2024-01-01",
    end="2026-12-31",
)
ENDPOINT = EndpointRecord(
    key="fhir-1982607537",
    name="GNBCHC FHIR API",
    address="https://fhir.gnbchc.example.org/r4",
    connection_type="hl7-fhir-opn",
    managing_org_key="1982607537",
    usecase="TREAT",
    contact_email="interop@gnbchc.example.org",
)
PLAN = InsurancePlanRecord(
    key="ACME-CT-PPO",
    name="Acme Connecticut PPO",
    product_type="commppo",
    plan_type="silver",
    owner_key="9990150000",
    administrator_key="9990150000",
    network_keys=("HPID040000",),
    coverage_area_keys=("area-CT",),
    aliases=("Acme CT PPO",),
    identifier="HIOS-12345CT0010001",
    start="2026-01-01",
    end="2026-12-31",
    contact=ContactRecord("Member Services", "800-555-0100"),
    endpoint_keys=("portal-9990150000",),
)
