//! `together`: what a couple both want, without showing what only one of them wants.
//!
//! On one computer the partners answer in turns and the intersection is worked out in
//! memory. On two computers they exchange three files (`invite`, `join`, `finish`): a
//! private set intersection (`crate::together::psi`), so that neither partner, nor anyone
//! who reads the files, learns more than the mutual wishes. Nothing is saved but the small
//! state each partner keeps between steps, encrypted to their own key and removed when they
//! finish.

use std::collections::BTreeSet;
use std::path::Path;

use rand_core::{OsRng, RngCore};

use super::Settings;
use super::access::Access;
use crate::cli::{TogetherArgs, TogetherCommand};
use crate::error::{Error, Result, describe_io};
use crate::model::answers_file;
use crate::model::load::{Loaded, hex};
use crate::model::problem::Problem;
use crate::model::questionnaire::Questionnaire;
use crate::scoring::{self, ItemAnswers, SessionAnswers};
use crate::session::plain::Plain;
use crate::session::tty::Tty;
use crate::session::{self, End, Flow, Part, Prompter};
use crate::store::atomic;
use crate::store::crypto;
use crate::store::questionnaires::read_limited;
use crate::store::vault::to_json_zeroizing;
use crate::term::{self, interrupt, sanitize, wrap};
use crate::together::message::{self, Message, State, Step};
use crate::together::{psi, wishes};

pub(crate) fn run(settings: &Settings, args: &TogetherArgs) -> Result<()> {
    let loaded = Loaded::bundled(wishes::TEXT)
        .map_err(|_| Error::failure("the couples questionnaire built into confide is damaged"))?;
    match &args.command {
        None => one_computer(settings, &loaded, args.plain),
        Some(TogetherCommand::Invite {
            out,
            answers,
            plain,
            save,
        }) => invite(
            settings,
            &loaded,
            out,
            answers.as_deref(),
            (*plain || args.plain, *save),
        ),
        Some(TogetherCommand::Join {
            file,
            out,
            answers,
            plain,
            save,
        }) => join(
            settings,
            &loaded,
            file,
            out,
            answers.as_deref(),
            (*plain || args.plain, *save),
        ),
        Some(TogetherCommand::Finish { file, out }) => {
            finish(settings, &loaded, file, out.as_deref())
        }
    }
}

/// Said before anyone answers, on one computer and on two. It says what the result shows
/// and what a set intersection cannot hide: a wish one partner answered yes or maybe that
/// is not shown tells them the other did not.
const START: &str = "\
confide together: find out what you both would like, without showing what only one of you wants.

Do this only if both of you want to. Each of you answers the same questions in private. You can \
skip any question, and either of you can stop part way through; then nothing is shown. If either \
of you would not feel free to answer honestly, or to say no, this is not the right time for it.

At the end you both see the wishes that both of you answered yes or maybe (a yes and a maybe \
look the same), and the \"how often\" questions you both answered the same way. Nothing else is \
shown. This rests on honest answers and has limits. If you say yes or maybe to a wish and it is \
not on the list, you will know that your partner did not, and the same is true for them. If one \
of you said yes to every wish, the list would show everything the other said yes or maybe to. \
Answer only as openly as you are comfortable with.

Nothing is saved, unless you choose to keep your own answers in a vault of your own. Each of \
you can also take the private questionnaires alone, with `confide take`, at a time of your own \
(on a computer you share, `confide take --no-save`, so that nothing is kept where your partner \
could open it). Nothing from them is ever shown here.";

// One computer.

/// Shows the start text until both have read it (Enter), then clears the screen, so that
/// the first turn begins at the top; `q` leaves.
fn read_start(settings: &Settings, plain: bool) -> Result<()> {
    let mut prompter = prompter(settings, plain);
    prompter.intro(START);
    if !prompter.begin().map_err(stopped_by)? {
        return Err(stopped(End::Quit));
    }
    drop(prompter);
    term::clear_screen(false);
    Ok(())
}

fn one_computer(settings: &Settings, loaded: &Loaded, plain: bool) -> Result<()> {
    let q = &loaded.questionnaire;
    interrupt::install();
    read_start(settings, plain)?;
    let mut sets = Vec::new();
    // The vault the first partner chose for a copy of their answers: never offered to the
    // second, whose answers would be encrypted to the first partner's key.
    let mut taken: Option<std::path::PathBuf> = None;
    for (who, other) in [("first", "second"), ("second", "first")] {
        let mut prompter = prompter(settings, plain);
        prompter.intro(&format!(
            "\nThis is the turn of the {who} partner. {} partner: please look away from the screen until it is your turn.",
            capital(other)
        ));
        match prompter.choose(
            &format!("{} partner, are you ready?", capital(who)),
            &["Yes, start my questions"],
        ) {
            Ok(_) => {}
            Err(stop) => return Err(stopped_by(stop)),
        }
        let answers = interview(q, prompter.as_mut())?;
        let keep = ask_keep(prompter.as_mut(), settings, taken.as_deref()).map_err(stopped_by)?;
        if let Some(access) = keep {
            taken = Some(access.vault.dir().to_path_buf());
            keep_and_say(prompter.as_mut(), &access, loaded, &answers, &settings.lang);
            let hand_over = if who == "first" {
                "Clear the screen for my partner"
            } else {
                "Clear the screen and show what we are both open to"
            };
            prompter
                .choose("When you have read this:", &[hand_over])
                .map_err(stopped_by)?;
        }
        drop(prompter);
        term::clear_screen(true);
        sets.push(wishes::elements(q, &answers));
        if who == "first" {
            term::print(&wrap_lines(
                "The screen was cleared. The answers of the first partner are held in memory until the end.",
                term::width(),
            ))?;
        }
    }
    let theirs: BTreeSet<&String> = sets[1].iter().collect();
    let mutual: Vec<String> = sets[0]
        .iter()
        .filter(|e| theirs.contains(e))
        .cloned()
        .collect();
    term::print(&result_text(settings, q, &mutual))
}

fn capital(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The prompter: arrow keys on a terminal unless `--plain`, numbered lines otherwise.
fn prompter(settings: &Settings, plain: bool) -> Box<dyn Prompter> {
    let tty = if plain {
        None
    } else {
        Tty::new(&settings.lang, settings.style)
    };
    match tty {
        Some(t) => Box::new(t),
        None => Box::new(Plain::new(
            std::io::stdin().lock(),
            std::io::stdout().lock(),
            &settings.lang,
            term::width(),
        )),
    }
}

/// Asks every question of the couples questionnaire; the answers, once confirmed.
fn interview(q: &Questionnaire, prompter: &mut dyn Prompter) -> Result<ItemAnswers> {
    let parts = vec![Part { q, explicit: true }];
    let mut flow = Flow::new(parts, SessionAnswers::new());
    match session::run_with(&mut flow, prompter, session::Confirm::Together, &mut |_| {
        None
    }) {
        End::Finished => Ok(flow.answers().get(wishes::ID).cloned().unwrap_or_default()),
        end => Err(stopped(end)),
    }
}

fn stopped_by(stop: session::Stop) -> Error {
    stopped(stop.into())
}

fn stopped(end: End) -> Error {
    match end {
        End::Interrupted => interrupt::leave(),
        End::Failed(e) => Error::failure(format!("the terminal failed: {}", describe_io(&e))),
        End::Eof if interrupt::is_done() => {
            Error::cancelled("input ended before the questions were finished")
                .with_hint(KEPT_BEFORE)
        }
        End::Eof => Error::cancelled("input ended before the questions were finished")
            .with_hint("nothing was shown or saved"),
        End::Finished | End::Quit | End::Discarded if interrupt::is_done() => {
            Error::stopped(format!("Stopped. Nothing was shown. {KEPT_BEFORE}"))
        }
        End::Finished | End::Quit | End::Discarded => {
            Error::stopped("Stopped. Nothing was shown or saved.")
        }
    }
}

/// Said when the run stops after a copy of one partner's answers was kept.
const KEPT_BEFORE: &str = "A copy of answers that was kept before stopping stays where it was \
kept; `confide delete` with the session id shown then removes it.";

/// One partner's answers: from `--answers FILE`, or asked. With `save` (`--save`) a copy
/// is kept in their vault without asking; when asked, they are offered to keep one.
fn answers(
    settings: &Settings,
    loaded: &Loaded,
    file: Option<&Path>,
    plain: bool,
    save: bool,
) -> Result<ItemAnswers> {
    let q = &loaded.questionnaire;
    let Some(path) = file else {
        interrupt::install();
        let mut prompter = prompter(settings, plain);
        prompter.intro(START);
        if !prompter.begin().map_err(stopped_by)? {
            return Err(stopped(End::Quit));
        }
        let answers = interview(q, prompter.as_mut())?;
        let keep = if save {
            Some(Access::new(settings)?)
        } else {
            ask_keep(prompter.as_mut(), settings, None).map_err(stopped_by)?
        };
        if let Some(access) = keep {
            keep_and_say(prompter.as_mut(), &access, loaded, &answers, &settings.lang);
        }
        return Ok(answers);
    };
    let name = sanitize::line(&path.display().to_string()).into_owned();
    let bytes = read_limited(path, answers_file::MAX_ANSWERS_BYTES).map_err(|e| {
        Error::usage(format!(
            "cannot read the answers file {name}: {}",
            describe_io(&e)
        ))
    })?;
    let invalid = || Error::usage("the answers file is not a valid confide.answers/1 file");
    let parsed = answers_file::parse(&bytes).map_err(|p| {
        print_problems(&name, &p);
        invalid()
    })?;
    if let Some(other) = parsed.answers.keys().find(|k| *k != wishes::ID) {
        print_problems(
            &name,
            &[Problem::at(
                format!("/answers/{}", sanitize::line(other)),
                "`confide together` asks only the questionnaire `together`",
            )],
        );
        return Err(invalid());
    }
    let session = scoring::answers::resolve(&[q], &parsed).map_err(|p| {
        print_problems(&name, &p);
        invalid()
    })?;
    let answers = session.get(wishes::ID).cloned().unwrap_or_default();
    if save {
        let access = Access::new(settings)?;
        let id = keep(&access, loaded, &answers, &settings.lang)?;
        term::println(&kept_words(&access, &id))?;
    }
    Ok(answers)
}

// Keeping one's own answers.

/// Said before a partner is offered to keep their own answers.
const KEEP: &str = "\
You can keep a copy of your own answers, encrypted, to read again later with `confide show`. The \
copy holds all your answers, including every no. Nothing of your partner's is kept with it.

Anyone who knows a vault's passphrase can read everything in it, and saving into a vault that \
already exists does not ask for its passphrase. On a computer you share, this computer's vault may \
be your partner's, or one you both can open. Keep a copy only in a vault whose passphrase you alone \
know, for example on a USB stick of your own. If anyone could make you open it for them, keep \
nothing: that is the safe choice.";

/// What a partner can choose when offered to keep their own answers.
#[derive(Clone, Copy)]
enum Keep {
    Nothing,
    Here,
    Elsewhere,
}

/// Offers to keep a copy of the partner's own answers: in the vault of this computer's
/// data folder, in a vault in another folder, or nowhere (the default). `taken` is the
/// folder of a vault the other partner chose in this run: it is neither offered nor
/// accepted. Returns the vault chosen, checked; a vault that cannot be used is said and
/// the offer made again.
fn ask_keep(
    prompter: &mut dyn Prompter,
    settings: &Settings,
    taken: Option<&Path>,
) -> std::result::Result<Option<Access>, session::Stop> {
    let is_taken = |dir: &Path| taken.is_some_and(|t| same_folder(t, dir));
    let here = Access::new(settings)
        .ok()
        .filter(|a| !is_taken(a.vault.dir()));
    let mut choices = vec![(
        "No, keep nothing (the safe choice on a shared computer)".to_owned(),
        Keep::Nothing,
    )];
    if let Some(a) = &here {
        choices.push((here_words(a), Keep::Here));
    }
    choices.push((
        "Yes, in a vault of my own in another folder".to_owned(),
        Keep::Elsewhere,
    ));
    let labels: Vec<&str> = choices.iter().map(|(l, _)| l.as_str()).collect();
    prompter.intro(KEEP);
    loop {
        let picked = prompter.choose("Keep a copy of your own answers?", &labels)?;
        let access = match (choices[picked].1, &here) {
            (Keep::Nothing, _) => return Ok(None),
            (Keep::Here, Some(a)) => a.clone(),
            _ => {
                let Some(folder) = prompter.text(
                    "The folder of your own confide vault (made if it does not exist yet):",
                )?
                else {
                    continue;
                };
                let mut other = settings.clone();
                other.data_dir = Some(folder.into());
                match Access::new(&other) {
                    Ok(a) if is_taken(a.vault.dir()) => {
                        prompter.notice(
                            "That folder already holds a copy kept in this run: choose a folder of your own.",
                        );
                        continue;
                    }
                    Ok(a) => a,
                    Err(e) => {
                        prompter.notice(&format!("That folder cannot be used: {}", e.message));
                        continue;
                    }
                }
            }
        };
        match access.check_can_save() {
            Ok(()) => return Ok(Some(access)),
            Err(e) => prompter.notice(&format!("That vault cannot be used: {}", e.message)),
        }
    }
}

/// The choice of this computer's vault, saying plainly when it already has a key: saving
/// into it then asks for no passphrase, and whoever holds that passphrase can read the copy.
fn here_words(access: &Access) -> String {
    let dir = sanitize::line(&access.vault.dir().display().to_string()).into_owned();
    if access.vault.has_identity() || access.vault.can_encrypt() {
        format!(
            "Yes, in this computer's vault in {dir}, which already has a key: only if its passphrase is yours alone"
        )
    } else {
        format!("Yes, in this computer's vault in {dir}, whose passphrase only I know")
    }
}

/// Whether two paths name the same folder (compared as written when either cannot be
/// resolved, such as a folder not made yet).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Saves the partner's own answers in the vault of `access` (making its key first if it
/// has none), as a session of the questionnaire `together`; its id.
fn keep(access: &Access, loaded: &Loaded, answers: &ItemAnswers, lang: &str) -> Result<String> {
    let q = &loaded.questionnaire;
    let scored = scoring::score(q, answers, &scoring::Earlier::default());
    let response = scoring::record::response(
        &[(q, loaded.sha256())],
        &[scored],
        uuid::Uuid::new_v4().to_string(),
        crate::clock::now_rfc3339(),
        None,
        lang,
    );
    Ok(access.save_session(&response)?.id)
}

fn kept_words(access: &Access, id: &str) -> String {
    format!(
        "Kept a copy of your own answers in {} (session {id}); `confide show {id}` shows them.",
        sanitize::line(&access.vault.dir().display().to_string())
    )
}

/// [`keep`], then says what happened. A copy that cannot be kept is said, and the couple
/// goes on: the answers are still used for what both see.
fn keep_and_say(
    prompter: &mut dyn Prompter,
    access: &Access,
    loaded: &Loaded,
    answers: &ItemAnswers,
    lang: &str,
) {
    match keep(access, loaded, answers, lang) {
        Ok(id) => {
            // Ctrl-C from now on no longer says that nothing was saved.
            interrupt::done();
            prompter.notice(&kept_words(access, &id));
        }
        Err(e) => prompter.notice(&format!(
            "Your answers were not kept: {}. They are still used for what you both see.",
            e.message
        )),
    }
}

fn print_problems(name: &str, problems: &[Problem]) {
    for p in problems {
        term::eprintln(&format!("{name}: {}", sanitize::line(&p.to_string())));
    }
}

// Two computers.

fn reference(loaded: &Loaded) -> message::Questionnaire {
    message::Questionnaire {
        id: wishes::ID.to_owned(),
        sha256: loaded.sha256().to_owned(),
    }
}

fn hex_list(list: &[[u8; 32]]) -> Vec<String> {
    list.iter().map(|b| hex(b)).collect()
}

fn own_hex(own: &[([u8; 32], Option<String>)]) -> Vec<(String, Option<String>)> {
    own.iter().map(|(b, e)| (hex(b), e.clone())).collect()
}

fn to_json(value: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::failure(format!("cannot write JSON: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The vault and the folder of the state kept between steps, checked before any question:
/// the state is encrypted to the person's own key, as sessions are.
fn state_dir(settings: &Settings) -> Result<(Access, std::path::PathBuf)> {
    let access = Access::new(settings)?;
    access.check_can_save()?;
    let dir = access.vault.prepare_dir("together")?;
    Ok((access, dir))
}

fn state_name(session: &str, step: Step) -> String {
    let role = if step == Step::Invite {
        "invite"
    } else {
        "join"
    };
    format!("{session}-{role}.age")
}

/// Writes the state, encrypted to the person's own key (made first if there is none).
fn write_state(
    access: &Access,
    dir: &Path,
    name: &str,
    state: &State,
) -> Result<std::path::PathBuf> {
    access.ensure_identity()?;
    let recipients = access.vault.recipients()?;
    let plaintext = to_json_zeroizing(state)?;
    let bytes = crypto::encrypt(&plaintext, &recipients, false)?;
    atomic::write_new(dir, name, &bytes)
}

/// What a partner keeps of a message they send, to finish with.
struct Sent<'a> {
    secret: &'a curve25519_dalek::Scalar,
    own: &'a [([u8; 32], Option<String>)],
    keep: Vec<String>,
}

/// Sends `message`: keeps the state to finish with (encrypted to one's own key, bound to
/// the message's bytes), then writes the message to `out`; when that fails, the state is
/// removed again.
fn send(access: &Access, dir: &Path, message: &Message, sent: &Sent, out: &Path) -> Result<()> {
    let bytes = to_json(message)?;
    let state = State {
        format: message::STATE_FORMAT.to_owned(),
        step: message.step,
        session: message.session.clone(),
        questionnaire: message.questionnaire.clone(),
        secret: hex(sent.secret.as_bytes()),
        own: own_hex(sent.own),
        sent: message::digest(&bytes),
        keep: sent.keep.clone(),
    };
    let state_path = write_state(
        access,
        dir,
        &state_name(&message.session, message.step),
        &state,
    )?;
    if let Err(e) = write_out(out, &bytes) {
        let _ = atomic::remove(&state_path);
        return Err(e);
    }
    Ok(())
}

/// Writes `bytes` to a new file at `out` (never over an existing one).
fn write_out(out: &Path, bytes: &[u8]) -> Result<()> {
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::usage("--out must name a file"))?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    atomic::write_new(dir, name, bytes).map(|_| ())
}

fn invite(
    settings: &Settings,
    loaded: &Loaded,
    out: &Path,
    file: Option<&Path>,
    (plain, save): (bool, bool),
) -> Result<()> {
    let q = &loaded.questionnaire;
    let (access, dir) = state_dir(settings)?;
    let mine = answers(settings, loaded, file, plain, save)?;
    let elements = wishes::elements(q, &mine);
    let mut session = [0u8; 16];
    OsRng.fill_bytes(&mut session);
    let secret = psi::secret(&mut OsRng);
    let own = psi::blind(&secret, &session, &elements, wishes::size(q), &mut OsRng);
    let invite = Message {
        format: message::TOGETHER_FORMAT.to_owned(),
        step: Step::Invite,
        session: hex(&session),
        questionnaire: reference(loaded),
        answers: None,
        tags: vec![],
        points: own.iter().map(|(b, _)| hex(b)).collect(),
    };
    let state = Sent {
        secret: &secret,
        own: &own,
        keep: vec![],
    };
    send(&access, &dir, &invite, &state, out)?;
    let out = sanitize::line(&out.display().to_string()).into_owned();
    term::println(&format!(
        "Wrote the invitation to {out}. Send it to your partner; it holds nothing they can read.\n\
         They run `confide together join {out} --out REPLY` and send you REPLY.\n\
         Then run `confide together finish REPLY --out RESULT` and send them RESULT."
    ))
}

/// Reads a message of the other partner, refusing every file that is not the step expected.
fn read_message(path: &Path) -> Result<(Message, Vec<u8>)> {
    let name = sanitize::line(&path.display().to_string()).into_owned();
    let bytes = read_limited(path, 1024 * 1024)
        .map_err(|e| Error::usage(format!("cannot read {name}: {}", describe_io(&e))))?;
    let message = message::parse(&bytes).map_err(|p| {
        print_problems(&name, &p);
        Error::usage(format!("{name} is not a valid confide.together/1 file"))
    })?;
    Ok((message, bytes))
}

fn refused(why: &str) -> Error {
    Error::usage(format!("the file was refused: {why}"))
        .with_hint("nothing was shown; ask your partner to start again with a new invitation")
}

fn check_questionnaire(message: &Message, loaded: &Loaded) -> Result<()> {
    if message.questionnaire != reference(loaded) {
        return Err(refused(
            "it was made for another version of the couples questionnaire",
        ));
    }
    Ok(())
}

fn join(
    settings: &Settings,
    loaded: &Loaded,
    file: &Path,
    out: &Path,
    answers_path: Option<&Path>,
    (plain, save): (bool, bool),
) -> Result<()> {
    let q = &loaded.questionnaire;
    let n = wishes::size(q);
    let (invite, invite_bytes) = read_message(file)?;
    if invite.step != Step::Invite {
        return Err(refused(&format!(
            "it is a {} file, not an invitation",
            invite.step.name()
        )));
    }
    check_questionnaire(&invite, loaded)?;
    if invite.answers.is_some() || !invite.tags.is_empty() {
        return Err(refused("an invitation answers nothing and carries no tags"));
    }
    let session = message::session(&invite.session).ok_or_else(|| refused("bad session"))?;
    let theirs = message::list32(&invite.points, "points")
        .map_err(|p| refused(&p.to_string()))
        .and_then(|l| psi::points(&l, n).map_err(|r| refused(&r.to_string())))?;
    let (access, dir) = state_dir(settings)?;
    let state_file = state_name(&invite.session, Step::Reply);
    if dir.join(&state_file).exists() {
        return Err(refused("you have joined this invitation already"));
    }
    let mine = answers(settings, loaded, answers_path, plain, save)?;
    let elements = wishes::elements(q, &mine);
    let secret = psi::secret(&mut OsRng);
    let tags = psi::tags(&secret, &session, "reply", &theirs);
    let keep = psi::tags(&secret, &session, "result", &theirs);
    let own = psi::blind(&secret, &session, &elements, n, &mut OsRng);
    let reply = Message {
        format: message::TOGETHER_FORMAT.to_owned(),
        step: Step::Reply,
        session: invite.session.clone(),
        questionnaire: reference(loaded),
        answers: Some(message::digest(&invite_bytes)),
        tags: hex_list(&tags),
        points: own.iter().map(|(b, _)| hex(b)).collect(),
    };
    let state = Sent {
        secret: &secret,
        own: &own,
        keep: hex_list(&keep),
    };
    send(&access, &dir, &reply, &state, out)?;
    let out = sanitize::line(&out.display().to_string()).into_owned();
    term::println(&format!(
        "Wrote your reply to {out}. Send it to your partner; it holds nothing they can read.\n\
         When they send you the result, run `confide together finish RESULT`."
    ))
}

/// The state kept for `session` at `step`, or why the file is refused.
fn load_state(
    access: &Access,
    dir: &Path,
    session: &str,
    step: Step,
    loaded: &Loaded,
) -> Result<(State, std::path::PathBuf)> {
    let path = dir.join(state_name(session, step));
    let bytes = match read_limited(&path, 1024 * 1024) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refused(
                "nothing of its session is waiting on this computer (it was finished already, or it belongs to another computer or session)",
            ));
        }
        Err(e) => return Err(Error::io("cannot read", &path, &e)),
    };
    let ids = access.unlock()?;
    let plaintext = crypto::decrypt(&bytes, &ids, &path)?;
    let state = message::parse_state(&plaintext)
        .map_err(|_| Error::damaged(format!("{} is damaged", path.display())))?;
    if state.questionnaire != reference(loaded) {
        return Err(refused("it was begun with another version of confide"));
    }
    Ok((state, path))
}

fn own_list(state: &State) -> Result<Vec<([u8; 32], Option<String>)>> {
    state
        .own
        .iter()
        .map(|(b, e)| message::bytes32(b).map(|b| (b, e.clone())))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::damaged("the state of this session is damaged"))
}

fn state_secret(state: &State) -> Result<curve25519_dalek::Scalar> {
    message::bytes32(&state.secret)
        .and_then(psi::secret_from_bytes)
        .ok_or_else(|| Error::damaged("the state of this session is damaged"))
}

fn finish(settings: &Settings, loaded: &Loaded, file: &Path, out: Option<&Path>) -> Result<()> {
    let q = &loaded.questionnaire;
    let n = wishes::size(q);
    let (got, bytes) = read_message(file)?;
    check_questionnaire(&got, loaded)?;
    let session = message::session(&got.session).ok_or_else(|| refused("bad session"))?;
    let waiting = match got.step {
        Step::Invite => {
            return Err(refused(
                "it is an invitation: answer it with `confide together join FILE --out REPLY`",
            ));
        }
        Step::Reply => Step::Invite,
        Step::Result => Step::Reply,
    };
    if got.step == Step::Reply && out.is_none() {
        return Err(Error::usage("finishing a reply needs --out RESULT")
            .with_hint("the result file lets your partner see what you both want"));
    }
    let (access, dir) = state_dir(settings)?;
    let (state, state_path) = load_state(&access, &dir, &got.session, waiting, loaded)?;
    if got.answers.as_deref() != Some(state.sent.as_str()) {
        return Err(refused(
            "it does not answer the file you sent (it answers another one, or one changed on the way)",
        ));
    }
    let tags = message::list32(&got.tags, "tags").map_err(|p| refused(&p.to_string()))?;
    psi::check_tags(&tags, n).map_err(|r| refused(&r.to_string()))?;
    let own = own_list(&state)?;
    let mutual = if got.step == Step::Reply {
        let secret = state_secret(&state)?;
        let theirs = message::list32(&got.points, "points")
            .map_err(|p| refused(&p.to_string()))
            .and_then(|l| psi::points(&l, n).map_err(|r| refused(&r.to_string())))?;
        let mine = psi::tags(&secret, &session, "reply", &theirs);
        let mutual = psi::matches(&own, &tags, &mine);
        let result = Message {
            format: message::TOGETHER_FORMAT.to_owned(),
            step: Step::Result,
            session: got.session.clone(),
            questionnaire: reference(loaded),
            answers: Some(message::digest(&bytes)),
            tags: hex_list(&psi::tags(&secret, &session, "result", &theirs)),
            points: vec![],
        };
        write_out(out.expect("checked above"), &to_json(&result)?)?;
        mutual
    } else {
        if !got.points.is_empty() {
            return Err(refused("a result carries no points"));
        }
        let keep = message::list32(&state.keep, "keep")
            .map_err(|_| Error::damaged("the state of this session is damaged"))?;
        psi::matches(&own, &tags, &keep)
    };
    atomic::remove(&state_path)?;
    if let Some(out) = out {
        let out = sanitize::line(&out.display().to_string()).into_owned();
        term::println(&format!(
            "Wrote the result for your partner to {out}. Send it to them so that they see the same.\n"
        ))?;
    }
    term::print(&result_text(settings, q, &mutual))
}

// The result.

/// The heading of the result.
const HEADING: &str = "What you are both open to";

/// What both partners see: the mutual wishes and the same answers, what they mean and do
/// not mean, a fixed text about desire, and where the questions come from.
fn result_text(settings: &Settings, q: &Questionnaire, mutual: &[String]) -> String {
    let words = wishes::describe(q, &settings.lang, mutual);
    let mut out = format!("\n{HEADING}\n\n");
    out.push_str(&shown_text(&words));
    // A skipped or declined answer is no element, so it cannot be told from a different one.
    let same_sex = mutual.iter().any(|e| e.starts_with("often:often_sex="));
    out.push_str("\nAbout desire\n\n");
    if !same_sex {
        out.push_str(
            "You did not give the same answer to how often you would like sex, or one of you \
             left that question out. That is true for many couples, and it is no one's fault.\n\n",
        );
    }
    out.push_str(DESIRE);
    out.push('\n');
    out.push_str(PROVENANCE);
    wrap_lines(&out, term::width())
}

/// The mutual wishes and the same answers in words, with what a shown wish means.
fn shown_text(words: &[wishes::Mutual]) -> String {
    let mut out = String::new();
    let wished: Vec<&String> = words
        .iter()
        .filter_map(|m| match m {
            wishes::Mutual::Wish(t) => Some(t),
            _ => None,
        })
        .collect();
    if wished.is_empty() {
        out.push_str(
            "No wish on the list was answered yes or maybe by both of you this time. The list is \
             short, and it leaves out most of what people enjoy together. If this is \
             disappointing, give it some time before you talk about it. A no to an item on a \
             list is not a no to the person.\n",
        );
    } else {
        out.push_str("Both of you said yes or maybe to:\n");
        for w in wished {
            out.push_str(&format!("  - {}\n", sanitize::line(w)));
        }
        out.push_str(
            "\nThis is a place to start talking, not a promise. Either of you can say no, or \
             change your mind, at any time, about anything on this list and about sex itself.\n\n\
             If you want to talk about the list, choose a calm time, not in bed. Start with one \
             item that feels easy. Either of you can say \"not now\", and you do not have to do \
             anything on the list.\n",
        );
    }
    out.push_str("\nWhat only one of you said yes or maybe to, and every no, is not shown.\n");
    let same: Vec<(&String, &String)> = words
        .iter()
        .filter_map(|m| match m {
            wishes::Mutual::Same(t, l) => Some((t, l)),
            _ => None,
        })
        .collect();
    if !same.is_empty() {
        out.push_str("\nYou chose the same answer to:\n");
        for (t, l) in &same {
            out.push_str(&format!(
                "  - {} {}\n",
                sanitize::line(t),
                sanitize::line(l)
            ));
        }
    }
    out
}

/// Each line wrapped to `width`, list entries with a hanging indent.
fn wrap_lines(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let wrapped = match line.strip_prefix("  - ") {
            Some(rest) => wrap::fill(rest, width, "  - ", "    "),
            None if line.is_empty() => String::new(),
            None => wrap::fill(line, width, "", ""),
        };
        out.push_str(&wrapped);
        out.push('\n');
    }
    out
}

/// The fixed text about desire, the same for every couple: it can say nothing that depends
/// on what either partner answered, so its advice is conditional and its last paragraph
/// names help for a partner who is pressured or afraid.
const DESIRE: &str = "\
Most couples in a long relationship go through times when one of them wants sex more often, or \
differently, than the other. Desire changes over the years, with stress, sleep, health, medicines, \
children and the rest of life. A difference is only a problem if it troubles one of you. Wanting \
sex less often, or not at all for now, is not a fault, and neither is wanting it more often. For \
some people, little or no interest in sex is simply part of who they are.

Desire does not always come first. For many people it grows once closeness or touch has begun \
(responsive desire), rather than out of the blue (spontaneous desire). Neither is better. \
Responsive desire still starts with a willing yes: it is a reason to offer closeness with no \
strings attached, never a reason to start sex with someone who has not said yes, or to carry on \
when they are not enjoying it.

Either of you can always say no, and a no deserves to be heard without sulking, pressure or \
anger. If the difference troubles either of you, these often help: talking about it at a calm \
moment, outside the bedroom; time set aside for closeness, which either of you can still say no \
to on the day; affection that does not have to lead to sex; and finding out what helps each of \
you feel desire.

Differences in desire are among the most common reasons couples see a sex therapist. A sex \
therapist or a couples therapist can help when the difference causes distress, when talking about \
it ends in arguments or silence, or when sex has stopped and that troubles either of you. If pain, \
health or a medicine may play a part, talk to a doctor too.

If either of you feels pressured into sex, afraid of how the other will react, or unsafe, that \
comes before everything on this page, and the ideas above are not the place to start. You can get \
confidential help on your own: findahelpline.com lists free helplines in your country. If you are \
in danger now, call your local emergency number.
";

/// The last line of every result: what these questions are, and are not.
const PROVENANCE: &str = "\
These questions were written for confide. They are a way to start talking, not a test or an \
assessment of your relationship; a sex therapist or couples therapist can help you look at things \
more fully.
";
