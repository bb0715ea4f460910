"""The model list: every domain's tables, so that ``Base.metadata`` is complete (Alembic's
comparison, the tests' schema check) and every mapper can resolve its foreign keys.

Importing this module also registers the audit listener (:mod:`qingshan.audit.log`). Every
session factory imports it (:func:`qingshan.db.engine.load_models`, through the
``qingshan.models`` entry point in ``pyproject.toml``), whatever the process: the server, the
command line, a benchmark or a script. A new domain adds its models module here.
"""

import qingshan.audit.log  # noqa: F401  (registers the audit listener)
from qingshan.accounts.models import RevokedToken, User, UserEnterprise
from qingshan.archive.models import (
    Enterprise,
    EnterpriseChange,
    Inspection,
    Penalty,
    Permit,
    PermitCap,
    PermitLimit,
    PermitOutlet,
    Violation,
)
from qingshan.audit.models import AuditLog
from qingshan.carbon.models import CarbonActivity, CarbonPeakPath, CarbonResult
from qingshan.cases.complaint_models import CaseComplaint
from qingshan.cases.models import (
    CaseEventRow,
    CaseFile,
    CaseRecord,
    CaseSigner,
    CaseSignoff,
    CaseSource,
    ResponsibleUnit,
)
from qingshan.cases.report_models import CaseNotice
from qingshan.db.base import Base
from qingshan.ecology.biodiversity.models import EcoOccurrence, EcoSurveyArea
from qingshan.ecology.status.models import EcoStatusInput
from qingshan.emergency.gas.models import GasAlarm, GasCursor, GasPark, GasStation
from qingshan.emergency.incidents.models import (
    EmergencyIncident,
    EmergencyIncidentLog,
    EmergencyIncidentPoint,
)
from qingshan.emergency.radiation.models import RadiationAlert, RadiationPosition, RadiationSource
from qingshan.emergency.resources.models import EmresDepot, EmresExpert, EmresMaterial, EmresTeam
from qingshan.emergency.risk.models import (
    EmergencyDrill,
    EmergencyPlan,
    RiskDeclaration,
    RiskGrade,
)
from qingshan.enforcement.models import (
    CreditRating,
    Inspector,
    SpotCheckDraw,
    SpotCheckItem,
    SpotCheckPlan,
    SpotCheckTask,
)
from qingshan.forecast.water_models import WaterWarning
from qingshan.geo.models import Region
from qingshan.hj212.models import Command, Device, DeviceStatus, Reject
from qingshan.jobs.models import JobRun
from qingshan.marine.outfalls.models import OutfallSource, OutfallStage, SeaOutfall
from qingshan.monitoring.models import LatestValue, Parameter, Series, Site
from qingshan.portal.eia.models import EiaApproval, EiaWarningCase, PermitApplication
from qingshan.portal.enterprise.models import PortalCertificate
from qingshan.portal.notices.models import Notice, NoticeRead
from qingshan.portal.onboarding.models import Registration
from qingshan.portal.rights.models import RightsAccount, RightsCapChange, RightsMovement
from qingshan.qc.models import QCEvent, QCJudgement, QCMark
from qingshan.sim.models import InjectedFault
from qingshan.soil.farmland.models import FarmCategoryChange, FarmMeasure, FarmPlot, FarmSample
from qingshan.soil.groundwater.models import GroundwaterSample, GroundwaterZone
from qingshan.soil.sites.models import SitePlanItem, SiteSample, SiteStage, SoilSite
from qingshan.soil.units.models import SoilUnit, SoilUnitCheck, SoilUnitReport, SoilUnitSample
from qingshan.targets.models import (
    Target,
    TargetFile,
    TargetPlan,
    TargetReminder,
    TargetReport,
    TargetShare,
    TargetUnit,
)
from qingshan.targets.ranking_models import RankingAirDay, RankingWaterMonth
from qingshan.vehicles.models import (
    NonRoadMachine,
    VehicleEquipment,
    VehicleStation,
    VehicleTestLine,
)
from qingshan.waste.models import (
    WasteCollectionMember,
    WasteCollectionPoint,
    WasteDeclaration,
    WasteFacility,
    WasteFacilityCode,
    WasteManifest,
    WasteManifestLeg,
    WastePlan,
    WasteSignature,
    WasteStorageLot,
    WasteTransferApproval,
)
from qingshan.zones.fences_models import ZoneFence, ZoneFenceAlert, ZoneFenceScan
from qingshan.zones.models import ZoneFeatureRow, ZoneLayer
from qingshan.zones.parks_models import (
    ZonePark,
    ZoneParkFile,
    ZoneParkProgress,
    ZoneParkStep,
    ZoneParkTask,
)

#: the mapped classes, by domain
MODELS = (
    User,
    UserEnterprise,
    RevokedToken,
    Enterprise,
    EnterpriseChange,
    Permit,
    PermitOutlet,
    PermitLimit,
    PermitCap,
    Inspection,
    Violation,
    Penalty,
    AuditLog,
    CaseRecord,
    CaseEventRow,
    CaseSource,
    CaseSignoff,
    CaseSigner,
    CaseFile,
    ResponsibleUnit,
    CaseComplaint,
    CaseNotice,
    Region,
    Command,
    Device,
    DeviceStatus,
    Reject,
    JobRun,
    LatestValue,
    Parameter,
    Series,
    Site,
    PortalCertificate,
    QCEvent,
    QCJudgement,
    QCMark,
    InjectedFault,
    WaterWarning,
    CreditRating,
    SpotCheckItem,
    Inspector,
    SpotCheckPlan,
    SpotCheckDraw,
    SpotCheckTask,
    TargetPlan,
    Target,
    TargetUnit,
    TargetShare,
    TargetReport,
    TargetFile,
    TargetReminder,
    RankingAirDay,
    RankingWaterMonth,
    CarbonActivity,
    CarbonResult,
    CarbonPeakPath,
    WasteFacility,
    WasteFacilityCode,
    WasteManifest,
    WasteManifestLeg,
    WasteSignature,
    WastePlan,
    WasteDeclaration,
    WasteStorageLot,
    WasteCollectionPoint,
    WasteCollectionMember,
    WasteTransferApproval,
    ZoneLayer,
    ZoneFeatureRow,
    ZoneFence,
    ZoneFenceAlert,
    ZoneFenceScan,
    ZonePark,
    ZoneParkTask,
    ZoneParkProgress,
    ZoneParkFile,
    ZoneParkStep,
    VehicleStation,
    VehicleTestLine,
    VehicleEquipment,
    NonRoadMachine,
    RiskDeclaration,
    RiskGrade,
    EmergencyPlan,
    EmergencyDrill,
    RadiationSource,
    RadiationPosition,
    RadiationAlert,
    GasPark,
    GasStation,
    GasAlarm,
    GasCursor,
    EmergencyIncident,
    EmergencyIncidentLog,
    EmergencyIncidentPoint,
    EmresDepot,
    EmresMaterial,
    EmresTeam,
    EmresExpert,
    Notice,
    NoticeRead,
    Registration,
    EiaApproval,
    PermitApplication,
    EiaWarningCase,
    RightsAccount,
    RightsMovement,
    RightsCapChange,
    EcoStatusInput,
    EcoSurveyArea,
    EcoOccurrence,
    FarmPlot,
    FarmSample,
    FarmCategoryChange,
    FarmMeasure,
    GroundwaterSample,
    GroundwaterZone,
    SoilSite,
    SiteStage,
    SiteSample,
    SitePlanItem,
    SoilUnit,
    SoilUnitCheck,
    SoilUnitSample,
    SoilUnitReport,
    SeaOutfall,
    OutfallSource,
    OutfallStage,
)

metadata = Base.metadata
