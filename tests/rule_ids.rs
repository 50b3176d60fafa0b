//! Rule ids are a public interface: configs, suppression comments and baselines
//! name them. This list is every bundled rule id; adding, renaming or removing a
//! rule must update it deliberately (and the changelog, for a rename or removal).

use assert_cmd::Command;
use serde_json::Value;

const BUNDLED_RULE_IDS: &[&str] = &[
    "bait/doorbuster-without-quantity",
    "bait/from-price-unrepresentative",
    "bait/generic-availability-disclaimer",
    "bait/limited-quantity-switch",
    "bundle/bundle-and-save",
    "bundle/bundle-savings-claim",
    "bundle/worth-claim",
    "drip/cancel-anytime-conditions",
    "drip/credit-terms-without-apr",
    "drip/fee-misrepresentation",
    "drip/inflation-linked-price-rise",
    "drip/intro-price-without-later-price",
    "drip/mandatory-fees-excluded",
    "drip/no-hidden-fees-contradicted",
    "drip/pre-ticked-extra",
    "drip/price-after-rebate",
    "drip/starting-at-monthly-price",
    "drip/total-price-at-checkout",
    "drip/vat-exclusive-consumer-price",
    "endorsement/affiliate-code-weak-label",
    "endorsement/as-seen-on",
    "endorsement/atypical-results",
    "endorsement/expert-recommended",
    "endorsement/incentivised-review",
    "endorsement/review-suppression",
    "endorsement/undisclosed-connection",
    "endorsement/unverified-review-stats",
    "fake-sale/compare-at-price",
    "fake-sale/discount-without-reference",
    "fake-sale/msrp-reference",
    "fake-sale/perpetual-sale",
    "fake-sale/price-arithmetic",
    "fake-sale/reference-period-too-short",
    "fake-sale/reference-price-mismatch",
    "fake-sale/reference-price-undeclared",
    "fake-sale/up-to-discount",
    "fake-sale/wholesale-factory-claim",
    "free/charges-attached",
    "free/conditions-not-stated",
    "free/footnote-conditions",
    "free/free-claim-unqualified",
    "free/free-setup-with-setup-fee",
    "free/free-trial-terms",
    "free/free-with-purchase",
    "free/inclusive-called-free",
    "free/prize-with-cost",
    "free/trial-is-a-purchase",
    "green/absolute-claim",
    "green/disposal-claim",
    "green/future-performance",
    "green/generic-claim",
    "green/offset-neutrality",
    "green/unverified-label",
    "guarantee/hidden-conditions",
    "guarantee/legal-right-as-feature",
    "guarantee/lifetime-undefined",
    "guarantee/terms-undisclosed",
    "health/chemical-free",
    "health/detox",
    "health/disease-claim",
    "health/general-function-claim",
    "health/immunity-boost",
    "health/natural-claim",
    "health/regulatory-approval",
    "health/weight-loss",
    "hype/absolute-claim",
    "hype/award-claim",
    "hype/competitor-comparison-unverifiable",
    "hype/earnings-claim",
    "hype/establishment-claim",
    "hype/miracle-language",
    "hype/price-promise-conditions",
    "hype/quantified-performance",
    "hype/ranking-claim",
    "hype/superlative-unsubstantiated",
    "hype/taste-puffery",
    "hype/unlimited-with-limits",
    "meta/evidence-expired",
    "meta/front-matter-invalid",
    "meta/suppression-without-reason",
    "meta/unused-suppression",
    "new-customer-only/condition-in-footnote",
    "new-customer-only/new-customer-incentive",
    "origin/made-in-country-unqualified",
    "origin/made-in-uk-unqualified",
    "origin/made-in-usa-unqualified",
    "scarcity/limited-edition-unnumbered",
    "scarcity/only-n-left",
    "scarcity/while-supplies-last",
    "scarcity/while-they-last",
    "seller-focus/seller-centred-copy",
    "seller-focus/seller-needs-pressure",
    "seller-focus/seller-stock-reason",
    "seller-focus/seller-taste-as-reason",
    "urgency/closing-down",
    "urgency/countdown-timer",
    "urgency/demand-pressure",
    "urgency/ends-soon",
    "urgency/limited-time",
    "urgency/offer-date-mismatch",
    "urgency/offer-expired",
    "urgency/pressure-language",
];

#[test]
fn bundled_rule_ids_are_exactly_the_published_ones() {
    let out = Command::cargo_bin("claimlint")
        .unwrap()
        .args(["rules", "--isolated", "--pack", "all", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, BUNDLED_RULE_IDS);
}

#[test]
fn every_bundled_rule_has_a_citation_and_examples() {
    for id in BUNDLED_RULE_IDS {
        let out = Command::cargo_bin("claimlint")
            .unwrap()
            .args(["explain", id, "--isolated"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{id}");
        assert!(text.contains("References"), "{id} has no references");
        assert!(text.contains("How to fix it"), "{id} has no help");
    }
}
