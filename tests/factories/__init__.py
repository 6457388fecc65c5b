"""factory-boy factories, one module per app, the one place tests build model rows by hand.

Every factory takes a region as a Region or by its code (`region="370481"`); the codes are those of the
city file the `regions` fixture loads, so a test that builds rows asks for `regions` (or a fixture that
does). Identifiers are valid (GB 32100-2015 credit codes, ZC 0006-2003 application numbers), as every page, API
and import requires (registry.fields; save() only puts a valid one in canonical form). Each factory is exported
here, once.
"""
from .accounts import UserFactory
from .compliance import AbnormalBatchFactory, AgencyFactory, CandidateFactory, DetectionRunFactory
from .finance import (FundedProjectFactory, InsurancePolicyFactory, InsuranceSubsidyRuleFactory, PatentAwardFactory,
                      PledgeFactory, SubsidyRuleFactory)
from .protection import AdjudicationCaseFactory, AssistanceCaseFactory, CooperationCaseFactory
from .registry import EnterpriseFactory, PatentFactory, PctApplicationFactory, application_no, credit_code
from .services import ProblemLogFactory, ServiceTypeFactory
from .stats import TargetFactory

__all__ = ["AbnormalBatchFactory", "AdjudicationCaseFactory", "AgencyFactory", "AssistanceCaseFactory",
           "CandidateFactory", "CooperationCaseFactory", "DetectionRunFactory", "EnterpriseFactory",
           "FundedProjectFactory", "InsurancePolicyFactory", "InsuranceSubsidyRuleFactory", "PatentAwardFactory",
           "PatentFactory", "PctApplicationFactory", "PledgeFactory", "ProblemLogFactory", "ServiceTypeFactory",
           "SubsidyRuleFactory", "TargetFactory", "UserFactory", "application_no", "credit_code"]
