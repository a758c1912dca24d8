//! SIGKILL at random moments of every command that writes (unlocking and setup included): hundreds of
//! trials on one data folder, and after each one the folder opens for every account, passes
//! SQLite's integrity check, its audit trail is intact, no batch is left half-written, and every
//! record a command reported as saved is there.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fourmi::store::{RecordFilter, Status, Store, StoreError};

mod common;
use common::cli::{Env, stdout};

const TRIALS: usize = 240;
/// The supervisor's two passphrases, which resets alternate between.
const SAM_PASSES: [&str; 2] = ["supervisor passphrase", "a second supervisor passphrase"];

fn covid() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms/4mi-covid19.toml").display().to_string()
}

const BAMAKO: &str = r#"{"monitor": "mon01", "mode": "phone", "country": "mali", "city": "bamako", "neighbourhood": "niamakoro", "consent": "yes", "age": 24, "arrived_within_year": "yes", "sex": "male", "nationality": "guinea", "c1": "yes", "c2": "yes", "c3": "agree", "c4": "agree", "c5": "agree", "c6": ["ngo_un"], "c7": ["media"], "c10": ["ngo_un"], "c11": ["fever"], "c12": ["older"], "c13": ["mask"], "c15": "no", "c17": "dont_know", "c18": ["money"], "c19": ["none"], "c20": ["movement"], "c21": "same", "c23": "no", "c26": "no", "c29": "same", "situation": "better", "smuggler_need": "dont_know", "covid_factor_leaving": "no", "destination": "mali"}"#;

/// A small xorshift: the same trials on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn uuids_with(store: &Store, status: Status) -> Vec<String> {
    let filter = RecordFilter { status: vec![status], limit: 1000, ..RecordFilter::default() };
    store.records(&filter).unwrap().into_iter().map(|r| r.uuid).collect()
}

/// On a failure, the data folder is kept (in the system's temporary folder, named in the
/// output) to be looked at.
struct KeepOnPanic<'a>(&'a Env);

impl Drop for KeepOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let kept = std::env::temp_dir().join(format!("fourmi-crash-{}", std::process::id()));
            let _ = std::process::Command::new("cp").arg("-a").arg(self.0.dir.path()).arg(&kept).status();
            eprintln!("the folder is kept in {}", kept.display());
        }
    }
}

#[test]
fn sigkill_at_any_moment_of_any_writing_command_leaves_every_folder_openable_and_loses_nothing_acknowledged() {
    let env = Env::new();
    let _keep = KeepOnPanic(&env);
    let answers = env.path("one.json");
    std::fs::write(&answers, BAMAKO).unwrap();
    let stick = env.dir.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let stick = stick.display().to_string();
    std::fs::write(env.path("new.pass"), "another monitor passphrase\n").unwrap();
    let newpass = env.path("new.pass");
    let form = covid();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut acknowledged: Vec<String> = Vec::new();
    // Kill moments spread over what one command takes on this machine now (whatever its load).
    let started = std::time::Instant::now();
    let out = env.run(&["records", "add", "--form", &form, "--answers", &answers, "--finalize"], "ana");
    acknowledged.extend(stdout(&out).lines().filter_map(|l| l.split_once('\t')).map(|(u, _)| u.to_string()));
    let mut span = (started.elapsed().as_micros() as u64 * 3 / 2).max(1000);
    let mut killed_mid_run = 0;
    for trial in 0..TRIALS {
        let (completed, approved) = {
            let store = Store::open(&env.data(), "chief", "coordinator passphrase").unwrap();
            (uuids_with(&store, Status::Completed), uuids_with(&store, Status::Approved))
        };
        let pick = |v: &[String], r: u64| v.get(r as usize % v.len().max(1)).cloned().unwrap_or_default();
        let r = rng.next();
        let account = format!("m{trial}");
        let (completed_one, comment) = (pick(&completed, r >> 8), "check".to_string());
        // A reset gives the supervisor the other of two passphrases.
        let sam_now = std::fs::read_to_string(env.path("sam.pass")).unwrap();
        let sam_next = if sam_now.trim() == SAM_PASSES[0] { SAM_PASSES[1] } else { SAM_PASSES[0] };
        std::fs::write(env.path("sam-next.pass"), format!("{sam_next}\n")).unwrap();
        let (ana_pass, sam_pass) = (env.path("ana.pass"), env.path("sam-next.pass"));
        let (args, user): (Vec<&str>, &str) = match r % 10 {
            0 => (vec!["records", "list"], "sam"),
            1 | 2 => (vec!["records", "add", "--form", &form, "--answers", &answers, "--finalize"], "ana"),
            3 => (vec!["records", "approve", &completed_one], "sam"),
            4 => (vec!["records", "return", &completed_one, "--comment", &comment], "sam"),
            5 => (vec!["account", "add", &account, "--role", "monitor", "--new-passphrase-file", &newpass], "chief"),
            6 => (vec!["records", "withdraw", &completed_one], "sam"),
            7 => (vec!["account", "passwd", "ana", "--new-passphrase-file", &ana_pass], "ana"),
            // A reset: the database gets a new data key.
            8 => (vec!["account", "passwd", "sam", "--new-passphrase-file", &sam_pass], "chief"),
            _ if !approved.is_empty() => (vec!["export", "--yes", "--k", "1", "--to", &stick], "chief"),
            _ => (vec!["audit", "verify"], "chief"),
        };
        let mut child = env.command(&args, user).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || BufReader::new(out).lines().map_while(Result::ok).collect::<Vec<_>>());
        std::thread::sleep(Duration::from_micros(rng.next() % span));
        let killed_mid_run_before = killed_mid_run;
        // The span follows the machine's load: shorter when the command had finished, longer
        // when it had not, so that about half the kills land while a command runs.
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
            span = span * 11 / 10;
        } else {
            span = (span * 9 / 10).max(1000);
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        eprintln!(
            "trial {trial}: {args:?} as {user}, killed {}",
            if killed_mid_run_before == killed_mid_run { "after the end" } else { "while running" }
        );
        let lines = reader.join().unwrap();
        if args[..2] == ["records", "add"] {
            acknowledged.extend(lines.iter().filter_map(|l| l.split_once('\t')).map(|(u, _)| u.to_string()));
        }

        for (name, pass) in
            [("chief", "coordinator passphrase"), ("ana", "monitor passphrase 1"), ("sam", SAM_PASSES[0])]
        {
            // The supervisor's passphrase is the old one or the new one, whichever the reset
            // left: never neither (and the next commands use that one).
            let open = |pass: &str| {
                let s = Store::open(&env.data(), name, pass);
                if name == "sam" && s.is_ok() {
                    std::fs::write(env.path("sam.pass"), format!("{pass}\n")).unwrap();
                }
                s
            };
            let store = open(pass)
                .or_else(|e| match (name, e) {
                    ("sam", StoreError::WrongPassphrase) => open(SAM_PASSES[1]),
                    (_, e) => Err(e),
                })
                .unwrap_or_else(|e| panic!("trial {trial} ({args:?}): {name} cannot open the folder: {e}"));
            assert!(store.integrity_ok().unwrap(), "trial {trial} ({args:?}): integrity check failed");
            if name == "chief" {
                assert_eq!(store.verify_audit().unwrap(), None, "trial {trial} ({args:?}): audit trail broken");
                assert!(
                    store.batches().unwrap().iter().all(|b| b.state != "writing"),
                    "trial {trial}: a batch is left `writing`"
                );
                for uuid in &acknowledged {
                    store.record(uuid).unwrap_or_else(|e| panic!("trial {trial}: acknowledged {uuid} lost: {e}"));
                }
            }
        }
        let leftovers: Vec<_> = std::fs::read_dir(&stick)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "tmp"))
            .collect();
        assert!(leftovers.is_empty(), "trial {trial}: a temporary batch file is left on the stick");
    }
    assert!(killed_mid_run >= TRIALS / 3, "only {killed_mid_run} of {TRIALS} commands were killed while running");
    assert!(acknowledged.len() > 1, "records were acknowledged between the kills");
    let verify = env.run(&["audit", "verify"], "chief");
    assert!(stdout(&verify).contains("intact"));
}

/// Setup killed at any moment leaves a folder that is either new (setup runs again and works) or
/// set up (everyone unlocks), never one that is neither.
#[test]
fn sigkill_during_setup_leaves_a_new_folder_or_a_set_up_one() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = tmp.path().join("pass");
    std::fs::write(&pass, "coordinator passphrase\n").unwrap();
    let setup = |dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_fourmi"))
            .args(["setup", "--name", "chief", "--data-dir"])
            .arg(dir)
            .arg("--passphrase-file")
            .arg(&pass)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let started = std::time::Instant::now();
    assert!(setup(&tmp.path().join("timing")).wait().unwrap().success());
    let span = (started.elapsed().as_micros() as u64 * 3 / 2).max(1000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut fresh, mut done) = (0, 0);
    for trial in 0..40 {
        let dir = tmp.path().join(format!("t{trial}"));
        let mut child = setup(&dir);
        std::thread::sleep(Duration::from_micros(rng.next() % span));
        let _ = child.kill();
        let _ = child.wait();
        match fourmi::store::folder_state(&dir) {
            fourmi::store::FolderState::SetUp => done += 1,
            fourmi::store::FolderState::Fresh => {
                fresh += 1;
                assert!(setup(&dir).wait().unwrap().success(), "trial {trial}: setup runs again");
            }
            fourmi::store::FolderState::Incomplete(e) => panic!("trial {trial}: {e}"),
        }
        let s = Store::open(&dir, "chief", "coordinator passphrase").unwrap_or_else(|e| panic!("trial {trial}: {e}"));
        assert!(s.integrity_ok().unwrap());
        assert_eq!(s.verify_audit().unwrap(), None);
    }
    assert!(fresh > 0 && done > 0, "kills both before and after the end ({fresh} new, {done} set up)");
}
