//! LURE-003 account-or-credential-request: the mail asks to re-activate, verify or log in to an
//! account, or to enter a password.
//!
//! What a phishing page wants is the login; the mail's job is to get the reader there.

use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::lures::LureCategory;

pub struct AccountOrCredentialRequest;

static META: SignalMeta = SignalMeta {
    id: "LURE-003",
    slug: "account-or-credential-request",
    group: Group::Lure,
    confidence: Confidence::Low,
    needs_network: false,
    title: Text {
        en: "Asks you to act on your account: {phrases}",
        ja: "アカウントの操作を求めています: {phrases}",
    },
    explain: Text {
        en: "The mail wants you to log in, verify or re-activate an account ({phrases}). That is exactly what a fake login page is built to capture.",
        ja: "ログイン、本人確認、再有効化などの操作({phrases})を求めています。偽のログインページが盗もうとしているのはまさにその情報です。",
    },
};

impl Signal for AccountOrCredentialRequest {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        super::lure_common::check(
            &META,
            &[LureCategory::Account, LureCategory::Credential],
            cx,
            hits,
        );
    }
}
