//! STRUCT-004 dangerous-attachment: an attached file that runs code when opened (executables,
//! scripts, disk images, archives that usually carry them, macro documents).

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct DangerousAttachment;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-004",
    slug: "dangerous-attachment",
    group: Group::Structure,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "A file that can run code is attached: {name}",
        ja: "実行可能なファイルが添付されています: {name}",
    },
    explain: Text {
        en: "Opening {name} can install malware. No bank, shop or carrier sends such files.",
        ja: "{name} を開くとウイルスに感染するおそれがあります。銀行・通販・配送業者がこのようなファイルを送ることはありません。",
    },
};

const RISKY: &[&str] = &[
    ".exe", ".scr", ".com", ".pif", ".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta",
    ".ps1", ".msi", ".jar", ".lnk", ".iso", ".img", ".vhd", ".xlsm", ".docm", ".pptm", ".xll",
    ".one", ".apk", ".dll", ".cpl",
];

impl Signal for DangerousAttachment {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, a) in cx.evidence.attachments.iter().enumerate() {
            let Some(name) = &a.name else { continue };
            let lname = name.to_ascii_lowercase();
            if RISKY.iter().any(|ext| lname.ends_with(ext)) {
                hits.push(
                    Hit::new(&META)
                        .var("name", name.clone())
                        .cite(Cite::attachment(
                            i,
                            format!(
                                "{} ({}, {} bytes, sha256 {})",
                                name,
                                a.content_type.clone().unwrap_or_default(),
                                a.size,
                                a.sha256
                            ),
                        )),
                );
                return;
            }
        }
    }
}
