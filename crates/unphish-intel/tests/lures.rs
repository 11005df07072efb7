//! Lure phrases and subject tags: each has a sample that fires and a near-miss that must not.

use unphish_intel::lures::{LureCategory, LureDb, LureStrength};

fn db() -> &'static LureDb {
    LureDb::embedded()
}

fn ids(text: &str) -> Vec<String> {
    db().scan(text).into_iter().map(|h| h.id).collect()
}

#[test]
fn embedded_file_is_valid() {
    let parsed = LureDb::from_toml(LureDb::embedded_source());
    assert!(parsed.is_ok(), "{:?}", parsed.err());
    assert!(db().len() >= 80, "only {} entries", db().len());
}

#[test]
fn bad_files_are_rejected() {
    let dup = r#"
tag = []
[[lure]]
id = "a"
category = "threat"
lang = "en"
strength = "weak"
phrases = ["locked"]
[[lure]]
id = "b"
category = "threat"
lang = "en"
strength = "weak"
phrases = ["LOCKED"]
"#;
    let e = LureDb::from_toml(dup)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("already in a"), "{e}");
    assert!(LureDb::from_toml(&dup.replace("LOCKED", "blocked")).is_ok());
    let bad_category = r#"
tag = []
[[lure]]
id = "a"
category = "nonsense"
lang = "en"
strength = "weak"
phrases = ["x"]
"#;
    assert!(LureDb::from_toml(bad_category).is_err());
}

#[test]
fn japanese_lures_fire_with_offsets() {
    let text = "お客様のアカウントが停止されました。24時間以内に再アクティブ化してください";
    let hits = db().scan(text);
    let got: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        got,
        [
            "ja.threat.suspended",
            "ja.urgency.deadline_hours",
            "ja.account.reactivate"
        ]
    );
    for h in &hits {
        assert_eq!(&text[h.start..h.end], h.phrase);
        assert_eq!(h.lang, "ja");
        assert_eq!(h.strength, LureStrength::Strong);
    }
    assert_eq!(hits[0].category, LureCategory::Threat);
    // Full-width digits fold: ２４時間以内 is 24時間以内.
    assert_eq!(ids("２４時間以内"), ["ja.urgency.deadline_hours"]);
    assert_eq!(ids("迷惑メール隔離通知"), ["ja.account.held_mail"]);
    assert_eq!(
        ids("お荷物お届け時ご不在のお知らせ"),
        ["ja.delivery.word", "ja.delivery.absent"]
    );
}

#[test]
fn other_languages_fire() {
    assert_eq!(
        ids("Please verify your account within 24 hours"),
        ["en.account.verify", "en.urgency.deadline"]
    );
    assert_eq!(ids("Sua encomenda está retida"), ["pt.delivery.held"]);
    assert_eq!(ids("sua encomenda esta retida"), ["pt.delivery.held"]);
    assert_eq!(
        ids("Atualize seus dados imediatamente"),
        ["pt.account.update", "ptes.urgency.word"]
    );
    assert_eq!(ids("Su cuenta ha sido suspendida"), ["es.threat.blocked"]);
    assert_eq!(ids("Ihr Konto wurde gesperrt"), ["de.threat.blocked"]);
    assert_eq!(
        ids("Enter your seed phrase"),
        ["en.credential.wallet_secret"]
    );
    // The inheritance letter, hyphenated or not.
    assert_eq!(
        ids("The investor died intestate, no next-of-kin came forward"),
        ["en.scam.advance_fee", "en.scam.advance_fee"]
    );
}

#[test]
fn weak_words_are_tagged_weak() {
    let hits = db().scan("Your password was changed.");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].strength, LureStrength::Weak);
    assert_eq!(hits[0].category, LureCategory::Credential);
    let hits = db().scan("パスワード");
    assert_eq!(hits[0].strength, LureStrength::Weak);
}

#[test]
fn near_misses() {
    // Whole words only: no "login" inside "loginsight", no "pago" inside "pagoda", no "PIN" in "pinned".
    assert!(ids("loginsight pagoda pinned Spinach").is_empty());
    assert!(ids("Reading the weather report over coffee with friends.").is_empty());
    assert!(ids("今日は天気が良いので散歩しました。").is_empty());
    // An honest receipt line has only weak words.
    for h in db().scan("Thank you for your order. Your receipt and tracking number are below.") {
        assert_eq!(h.strength, LureStrength::Weak, "{}", h.id);
    }
}

#[test]
fn subject_tags_fire() {
    let tags = db().subject_tags("[spam] Please Re-activation Your Email Portal.");
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].id, "tag.spam");
    assert_eq!(tags[0].category, LureCategory::SpamTag);
    assert_eq!(tags[0].phrase, "[spam]");
    assert_eq!(db().subject_tags("***SPAM*** Invoice")[0].id, "tag.spam");
    assert_eq!(
        db().subject_tags("Re: [SUSPECTED SPAM] hello")[0].id,
        "tag.suspected_spam"
    );
    assert_eq!(
        db().subject_tags("[迷惑メール]【重要】お知らせ")[0].id,
        "tag.meiwaku"
    );
    assert_eq!(
        db().subject_tags("［迷惑メール］お知らせ")[0].id,
        "tag.meiwaku"
    );
    assert_eq!(db().subject_tags("[MEIWAKU] test")[0].id, "tag.meiwaku");
    // Tags are not lures, and scan() does not report them.
    assert!(
        db().scan("[spam]")
            .iter()
            .all(|h| h.category != LureCategory::SpamTag)
    );
}

#[test]
fn subject_tag_near_misses() {
    assert!(db().subject_tags("Spam filter settings updated").is_empty());
    assert!(db().subject_tags("Our anti-spam policy").is_empty());
    assert!(db().subject_tags("迷惑メール対策のお知らせ").is_empty());
    // A bare "SPAM:" inside a discussion subject is not a filter tag.
    assert!(
        db().subject_tags("[SAtalk] moving SPAM: results to bottom of message")
            .is_empty()
    );
}

/// Throughput of the two free-text matchers on a ~10 KB mixed Japanese/English/Portuguese mail
/// body. Prints the figure (run with `--nocapture`); asserts only the hit counts, so it can fail
/// on matching regressions but not on a slow machine.
#[test]
fn throughput_10kb_body() {
    use unphish_intel::brands::BrandDb;
    let para = "お客様のAmazonアカウントが停止されました。24時間以内にログインして、お支払い方法の更新を行ってください。\n\
                Dear customer, your PayPal account has been limited. Please verify your account within 24 hours.\n\
                Sua encomenda está retida nos Correios. Atualize seus dados para liberar a entrega.\n\
                This honest paragraph talks about online shopping, bananas, the auto industry and nothing else at all.\n";
    let mut text = String::new();
    while text.len() < 10 * 1024 {
        text.push_str(para);
    }
    let reps = text.len() / para.len();
    let brands = BrandDb::embedded();
    let lures = db();
    // Warm up the OnceLocks so parsing is not timed.
    let m = brands.find_mentions(&text).len();
    let l = lures.scan(&text).len();
    assert_eq!(m, reps * 3, "Amazon, PayPal, Correios per paragraph");
    assert!(l >= reps * 8, "{l} lure hits for {reps} paragraphs");

    let rounds = 200;
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        n += brands.find_mentions(&text).len();
        n += lures.scan(&text).len();
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = (text.len() * rounds) as f64 / 1e6;
    println!(
        "find_mentions + scan: {} bytes x {rounds} rounds in {:.3} s = {:.1} MB/s, {:.1} us per body ({n} hits)",
        text.len(),
        secs,
        mb / secs,
        secs * 1e6 / rounds as f64
    );
}

/// Survey helper, not a product test: counts lines of the file named by `UNPHISH_SURVEY_FILE`
/// with a strong lure, a weak-only lure, and a subject tag.
/// Run: `UNPHISH_SURVEY_FILE=/tmp/x.txt cargo test -p unphish-intel --test lures survey -- --ignored --nocapture`
#[test]
#[ignore]
fn survey_lures_in_file() {
    let Ok(path) = std::env::var("UNPHISH_SURVEY_FILE") else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let (mut strong, mut weak, mut tagged) = (0, 0, 0);
    let mut by_id = std::collections::BTreeMap::new();
    for line in text.lines() {
        let hits = db().scan(line);
        if hits.iter().any(|h| h.strength == LureStrength::Strong) {
            strong += 1;
        } else if !hits.is_empty() {
            weak += 1;
        }
        for h in hits {
            *by_id.entry(h.id).or_insert(0usize) += 1;
        }
        if !db().subject_tags(line).is_empty() {
            tagged += 1;
        }
    }
    println!(
        "{} lines: {strong} with a strong lure, {weak} weak only, {tagged} tagged",
        text.lines().count()
    );
    let mut v: Vec<_> = by_id.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (id, n) in v.into_iter().take(15) {
        println!("{n:6} {id}");
    }
}

#[test]
fn lures_written_with_letters_of_other_scripts_still_match() {
    // "pаssword" with a Cyrillic а, "pass\u{200b}word" split by a zero-width space: the lure
    // reads the same to the victim and must match the same, quoted as the mail wrote it.
    for text in [
        "Your p\u{430}ssword was changed.",
        "Your pass\u{200b}word was changed.",
    ] {
        let hits = db().scan(text);
        assert_eq!(hits.len(), 1, "{text:?}");
        assert_eq!(hits[0].category, LureCategory::Credential);
        assert!(
            hits[0].phrase.starts_with('p') && hits[0].phrase.ends_with('d'),
            "{:?}",
            hits[0].phrase
        );
    }
    // Near-miss: Cyrillic text that only shares letters with a lure word is not that word.
    assert!(ids("Ваш пароль изменён").is_empty());
    assert!(db().scan("Your passport was changed.").is_empty());
}

#[test]
fn storage_delivery_and_payment_lures_in_more_languages() {
    for (text, id) in [
        (
            "you@example.com has reached the quota limit",
            "en.account.mailbox_quota",
        ),
        (
            "Your iCloud storage is almost full",
            "en.account.mailbox_quota",
        ),
        (
            "Alerta de iCloud: te estás quedando sin espacio.",
            "es.account.storage",
        ),
        ("Seu armazenamento está quase cheio", "pt.account.storage"),
        ("DRINGEND: Ihr Speicher ist voll", "de.account.storage"),
        ("Bitte bestätigen Sie Ihre Angaben.", "de.account.verify"),
        (
            "Informationen für Ihre Steuererstattung",
            "de.payment.failed",
        ),
        (
            "Wir haben versucht, Sie zu erreichen",
            "de.urgency.reach_you",
        ),
        (
            "U heeft een pakket dat op bezorging wacht",
            "nl.delivery.waiting",
        ),
        (
            "Wij hebben geprobeerd u te bereiken",
            "nl.urgency.reach_you",
        ),
        (
            "Votre paiement de 12 € en attente, confirmation requise",
            "fr.payment.pending",
        ),
    ] {
        let hits = db().scan(text);
        assert!(
            hits.iter()
                .any(|h| h.id == id && h.strength == LureStrength::Strong),
            "{text:?}: {:?}",
            hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn storage_delivery_and_payment_near_misses() {
    // Ordinary sentences about storage, parcels and payments carry weak words at most.
    for text in [
        "The disk quota for the shared drive is 2 TB per team.",
        "Su almacenamiento en la nube incluye 50 GB.",
        "O armazenamento dos arquivos é feito no servidor.",
        "Der Speicher des Geräts wurde erweitert.",
        "Uw pakket is bezorgd bij de buren.",
        "Votre paiement a bien été reçu. Merci.",
        "Wir haben Ihre Nachricht erhalten.",
    ] {
        for h in db().scan(text) {
            assert_eq!(h.strength, LureStrength::Weak, "{text:?}: {}", h.id);
        }
    }
}

#[test]
fn marks_and_selectors_sprinkled_over_a_lure_do_not_hide_it() {
    // Syriac marks over Latin letters and variation selectors (from the supplement) between
    // letters: the reader sees the words, so matching must too.
    let text = "Co\u{73F}nfi\u{73F}rmation needed: ve\u{73F}ri\u{73F}fy yo\u{73F}ur acc\u{73F}ount";
    let hits = db().scan(text);
    // Quoted as the mail wrote it, marks included.
    let verify = hits.iter().find(|h| h.id == "en.account.verify");
    assert!(
        verify.is_some_and(|h| h.phrase.contains('\u{73F}')),
        "{:?}",
        hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>()
    );
    let text = "ve\u{E0139}\u{E0139}rify your acc\u{FE0F}ount";
    let hits = db().scan(text);
    assert!(hits.iter().any(|h| h.id == "en.account.verify"), "{text:?}");
    // Near-miss: Hebrew text with its own points stays Hebrew; nothing Latin appears.
    assert!(ids("שָׁלוֹם עֲלֵיכֶם").is_empty());
}
