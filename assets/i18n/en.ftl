# fourmi: the desktop app's words, English.

ui-language = Interface language
lock-button = Lock (Ctrl+L)
notice-dismiss = Dismiss
home-signed-in = { $name } ({ $role })

role-monitor = monitor
role-supervisor = supervisor
role-coordinator = coordinator

status-draft = Draft
status-completed = Awaiting review
status-returned = Returned
status-approved = Approved
status-exported = Exported
status-withdrawn = Withdrawn
status-refused = Refused
status-screened_out = Screened out

## First run
setup-title = Welcome to fourmi: first-time setup
setup-intro = Create the coordinator account of this laptop. Its passphrase protects every interview stored here: choose a few words nobody can guess, and keep them safe. Without a passphrase nobody, not even you, can read the data.
setup-language = Language
setup-name = Coordinator account name
setup-passphrase = Passphrase
setup-passphrase-again = Passphrase again
setup-device = Name of this laptop
setup-recipients = Headquarters' public keys (age recipients), one per line
setup-recipients-hint = Batches exported from this laptop can be opened only with these keys. You can add them later in Settings.
setup-button = Set up fourmi
setup-need-name = Enter a name for the coordinator account.
setup-mismatch = The two passphrases differ; type them again.
setup-running = Creating the encrypted data and sealing its keys (this takes a moment by design)...

## Unlock
unlock-opening = Opening the data...
unlock-title = Unlock fourmi
unlock-name = Account name
unlock-passphrase = Passphrase
unlock-button = Unlock
unlock-locked = fourmi locked itself. Everything was saved; unlock to go on.

## Navigation
nav-home = Home
nav-new-interview = New interview
nav-records = Records
nav-tallies = Tallies
nav-tables = Tables
nav-export = Export
nav-settings = Accounts and settings

## Home
home-title = Home
home-no-records = No records yet.
home-to-finish = Your interviews to finish
home-nothing-to-finish = Nothing to finish.
home-continue = Continue
home-correct = Correct
home-finalised = { $n ->
    [one] One interview you finalised (its answers are with your supervisor)
   *[other] { $n } interviews you finalised (their answers are with your supervisor)
}
home-start = Start a new interview
home-to-review = Awaiting your review
home-nothing-to-review = Nothing to review.
home-review = Review
home-export = Export
home-ready = { $n ->
    [one] One approved record is ready to export.
   *[other] { $n } approved records are ready to export.
}
home-last-batch = Last batch: number { $seq }, { $when }, { $n ->
    [one] one record
   *[other] { $n } records
}.
home-no-batch = No batch written yet.

## New interview
start-title = New interview
start-form = Questionnaire
start-form-problem = A questionnaire could not be loaded: { $detail }
start-language = Interview language
start-purges = { $n ->
    [one] Starting removes for good the answers of the interview you closed; until then you can still reopen it from Home.
   *[other] Starting removes for good the answers of the { $n } interviews you closed; until then you can still reopen them from Home.
}
start-button = Start the interview

## Interview
iv-progress = { $n } / { $total }
iv-language = Interview language
iv-jump = Jump list (Ctrl+J)
iv-jump-keys = Arrows move, Enter goes there, Escape closes.
iv-jump-title = Jump to
iv-jump-end = Review and finalise
iv-close = Save and close
iv-closed-saved = The interview is saved as a draft; continue it from Home.
iv-saved = Saved
iv-saving = Saving...
iv-back = < Back (Alt+Left)
iv-next = Next (Enter) >
iv-keys = Keys: a number or the start of a label picks a choice · Enter next · Alt+Left back · Ctrl+J jump list
iv-remove-repeat = Remove { $what } { $n }
iv-add-repeat = Add another "{ $what }"? ({ $n } so far)
iv-add-repeat-yes = Add (1)
iv-add-repeat-no = No more, go on (2)
iv-acknowledge = OK
iv-not-collected-media = Not collected on this laptop: photos, recordings, files, signatures and barcodes can identify the people interviewed, and 4Mi interviews are anonymous. Go on to the next question.
iv-not-collected-location = Not collected on this laptop: traces, shapes and positions taken by the device say where people are, and 4Mi interviews are anonymous. Go on to the next question.
iv-not-collected-device = Not collected on this laptop: phone numbers, SIM and subscriber numbers and e-mail addresses identify people and phones, and 4Mi interviews are anonymous. Go on to the next question.
iv-clear = Clear answer
iv-no-choices = No choice is offered yet: answer the questions before this one.
iv-now = Now
cal-open = Calendar (Alt+Down)
cal-previous = Previous month (Page Up)
cal-next = Next month (Page Down)
cal-today = Today
cal-close = Close (Escape)
cal-keys = Arrows: day and week; Page Up / Page Down: month; Enter: this date.
cal-month-1 = January
cal-month-2 = February
cal-month-3 = March
cal-month-4 = April
cal-month-5 = May
cal-month-6 = June
cal-month-7 = July
cal-month-8 = August
cal-month-9 = September
cal-month-10 = October
cal-month-11 = November
cal-month-12 = December
cal-day-1 = Mo
cal-day-2 = Tu
cal-day-3 = We
cal-day-4 = Th
cal-day-5 = Fr
cal-day-6 = Sa
cal-day-7 = Su
iv-hint-date = DD/MM/YYYY
iv-hint-datetime = YYYY-MM-DDTHH:MM
iv-hint-time = HH:MM
iv-hint-integer = a whole number
iv-hint-decimal = a number
iv-hint-geopoint = latitude longitude, e.g. 12.65 -8.0
iv-rank-up = Move up
iv-rank-down = Move down
iv-rank-keep = Keep this order
iv-required = This question needs an answer.
iv-constraint = This answer is not valid here.
iv-form-error = The questionnaire has an error here ({ $detail }); tell your coordinator.
iv-review-title = Review before finalising
iv-review-ready = Every required answer is given. Finalise to send the interview for review.
iv-review-blocking = { $n ->
    [one] One answer still needs attention:
   *[other] { $n } answers still need attention:
}
iv-go-there = Go there
iv-finalize = Finalise (Ctrl+Enter)
iv-review-answers = All answers
iv-finalised = Interview finalised and saved; it now awaits review.
iv-refused = The respondent did not consent.
iv-screened-out = The respondent is not eligible for this survey.
iv-closed-nothing-kept = The interview is closed. No answers were kept.
iv-closed-can-reopen = The interview is closed. If this was a mistake, reopen it: every answer comes back. Once you start the next interview (or after the time your coordinator set), the answers after the consent or screening question are removed for good.
iv-reopen = Reopen the interview
iv-close-title = Close the interview?
iv-close-refused-explain = The consent question is answered "no". Closing the interview keeps no answers after the consent question.
iv-close-screened-explain = The screening answers say the respondent is not eligible. Closing the interview keeps no answers from the screening questions on.
iv-close-confirm = Close the interview
iv-close-change = Go back and change the answer
iv-fix-first = Correct or clear this answer before moving on.
iv-back-home = Back to Home (Enter)
iv-returned-comment = Returned by { $who } on { $when }: { $comment }

## Answer messages (in the interview language)
ans-not-integer = Enter a whole number.
ans-not-number = Enter a number.
ans-out-of-range = Choose a value from { $start } to { $end } in steps of { $step }.
ans-no-such-date = This date does not exist: check the day and the month.
ans-not-date = Enter a date as DD/MM/YYYY (day, month, year).
ans-not-datetime = Enter a date and time as YYYY-MM-DDTHH:MM.
ans-not-time = Enter a time as HH:MM.
ans-not-a-choice = "{ $choice }" is not one of the choices offered.
ans-bad-ranking = Put every choice in order, each once.
ans-not-geopoint = Enter coordinates as latitude and longitude in degrees, e.g. 12.65 -8.0.
ans-not-answerable = This item takes no answer.
ans-read-only = This answer cannot be changed.
ans-not-asked = This question is not asked now.

## Records
records-title = Records
records-all = All
records-status = Status
records-form = Questionnaire
records-monitor = Monitor
records-since = From
records-until = To
records-search = Search
records-apply = Apply
records-reading = Reading the records...
records-stop = Stop
records-count = { $n ->
    [one] One record
   *[other] { $n } records
}
records-prev = < Previous
records-next = Next >
records-page = Page { $n } of { $total }
records-started = Started
records-rev = Rev.
records-uuid = Record

## One record
record-title = Record
record-revision = Revision { $n }
record-answers = Answers
record-no-answers = No answers are kept for this record.
record-approval-invalid = This approval does not verify: the record was approved before approvals were signed, or changed since. It stays on the laptop until it is approved again; check its answers first.
record-withdrawal-unsigned = This withdrawal was made before withdrawals were signed: no batch carries it to headquarters until a supervisor signs it.
record-sign-withdrawal = Sign the withdrawal
record-approve-again = Approve again
record-approve = Approve
record-approved = Record approved.
record-comment = Comment for the monitor
record-return = Return to the monitor
record-comment-needed = Write what the monitor should correct before returning the record.
record-returned = Record returned to its monitor.
record-withdraw-confirm = The respondent withdrew consent
record-withdraw = Withdraw: delete the answers
record-withdrawn = The answers were deleted; a tombstone is kept so headquarters deletes them too.
record-approving = Approving the record...
record-returning = Returning the record to its monitor...
record-withdrawing = Deleting the answers...
record-corrections = Corrections
record-correction = Revision { $rev }: { $field }: { $old } -> { $new } ({ $who }, { $when })
record-comments = Comments
record-audit = Audit trail ({ $n ->
    [one] one event
   *[other] { $n } events
})

## Tallies
tallies-title = Tallies
tallies-by-status = By status
tallies-by-form = By questionnaire
tallies-by-monitor = By monitor
tallies-by-day = By day (last 31 days with interviews)

## Export
export-title = Export
export-intro = A batch carries approved records whose interview consent is recorded, encrypted for headquarters and signed by this laptop.
export-count = { $n ->
    [one] One record would be exported.
   *[other] { $n } records would be exported.
}
export-recipients = { $n ->
    [one] Encrypted for one headquarters key.
   *[other] Encrypted for { $n } headquarters keys.
}
export-no-recipients = No headquarters key is set: add one in Accounts and settings before exporting.
export-check = Check the batch
export-checking = Reading and anonymising the records...
export-coarsen = Timestamps
export-coarsen-none = as recorded
export-coarsen-day = day only
export-coarsen-month = month only
export-k = Smallest group (k)
export-l = Distinct sensitive answers per group (l)
export-choose-folder = Choose...
export-folder = Write into the folder
export-write = Write the batch
export-nothing = There is nothing to export: every approved record with consent was carried by an earlier batch.
export-writing = Writing: { $n } / { $total } records
export-done = Batch { $seq } written: { $n ->
    [one] one record
   *[other] { $n } records
}, now marked exported. File: { $file }
export-another = Done
export-again-of = Writing again what batch { $seq } carried (as a new batch).
export-next-instead = Export new records instead
export-again = Write batch { $seq } again
export-ledger = Batches written on this laptop
export-ledger-empty = No batch yet.
export-ledger-written = Batch { $seq }, { $when }, by { $who }: { $n ->
    [one] one record
   *[other] { $n } records
}, { $w ->
    [one] one withdrawal
   *[other] { $w } withdrawals
}
export-ledger-failed = Batch { $seq }, { $when }: not written (the number is not used again)
export-report = Before writing: what leaves the laptop
export-report-counts = { $n ->
    [one] One record
   *[other] { $n } records
} and { $w ->
    [one] one withdrawal
   *[other] { $w } withdrawals
}.
export-report-unsigned-withdrawals = { $n ->
    [one] One withdrawal is left out: it was made before withdrawals were signed. A supervisor signs it on the record's screen (Sign the withdrawal).
   *[other] { $n } withdrawals are left out: they were made before withdrawals were signed. A supervisor signs each on the record's screen (Sign the withdrawal).
}
export-report-unapproved = { $n ->
    [one] One approved record is left out: its approval does not verify (approved before approvals were signed, or changed since). A supervisor approves it again.
   *[other] { $n } approved records are left out: their approval does not verify (approved before approvals were signed, or changed since). A supervisor approves them again.
}
export-report-no-consent = { $n } approved records have no recorded interview consent: they stay on this laptop.
export-report-scrubbed = Free text: { $phones ->
    [one] one phone number
   *[other] { $phones } phone numbers
} and { $emails ->
    [one] one e-mail address
   *[other] { $emails } e-mail addresses
} replaced.
export-report-form = Questionnaire { $form }: { $n ->
    [one] one record
   *[other] { $n } records
}.
export-report-no-personal = No question is marked personal.
export-report-personal = Not exported (personal): { $list } ({ $n ->
    [one] one answer
   *[other] { $n } answers
} dropped).
export-report-k-one = k = 1: quasi-identifiers leave as answered, with no disclosure control. Only for data that stays with you.
export-report-no-sensitive = No question of this questionnaire is marked sensitive: l is not checked.
cli-reexport-options = Batch { $seq } is written again as it was first anonymised ({ $options }); the options asked now are not used.
cli-confirm-write = Write the batch? [y/N]
cli-confirm-needs-yes = The batch is written once confirmed, and there is no terminal to ask on (an answer piped in is not taken as one): pass --yes to write without asking.
cli-not-written = Nothing written: answer y to write the batch, or pass --yes.
cli-k-l-range = --k is from 1 to { $maxk } and --l from 1 to { $maxl } (as on the export screen); nothing was written.
cli-written = written: { $path }
cli-sha256 = sha256: { $digest }
cli-flat-records = { $n ->
    [one] 1 record
   *[other] { $n } records
} of { $form }
cli-flat-unplaced = note: { $n ->
    [one] 1 answer
   *[other] { $n } answers
} to questions the newest version of the form no longer has are not in the tables
cli-batch-written = { $n ->
    [one] 1 record
   *[other] { $n } records
}, { $w ->
    [one] 1 withdrawal
   *[other] { $w } withdrawals
}, { $file }
cli-batch-failed = not written: { $why }
cli-batch-again = (again: batch { $seq })
cli-hq-registered = registered: { $id }
cli-hq-batches = { $n ->
    [one] 1 batch
   *[other] { $n } batches
}, last { $last }
cli-hq-missing = missing: { $list }
cli-hq-created = headquarters database created in { $place }
cli-hq-analysts = analysts read the views in the schema `analysis` with an account in the role fourmi_reader (CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE fourmi_reader)
cli-hq-encrypt-to = laptops encrypt to: { $recipient }
cli-hq-imported = { $file }: laptop { $device } batch { $seq }: { $imported } imported, { $updated } updated, { $unchanged } unchanged, { $deleted } deleted
cli-hq-rolled-back = warning: { $file }: batch { $later } of laptop { $device }, imported before, carried an older account list (version { $version }) than this batch: the laptop's files were put back to an older state before batch { $later } was written, which can bring back a disabled account. Check the records batch { $later } brought, and the laptop
hq-small-k = Written with k = { $k }: groups of fewer than 5 records in this batch can point at people, and the analysts' views show them as they came (flat files apply k again). Ask the coordinator why.
cli-hq-shared-ids = warning: { $file }: { $n ->
    [one] 1 record
   *[other] { $n } records
} of laptop { $device } have the id of another laptop's record; both are kept, each under its laptop. Two laptops never make the same id: one of them is rogue, or was set up from a copy of the other
cli-hq-views-failed = warning: the batches were imported, but some of the analysts' views could not be made: { $detail }
cli-hq-waiting = another import (or another change of headquarters' data) is under way: waiting for it to finish…
hq-view-failure = form { $form }: { $detail }
hq-view-forms-unlisted = the forms could not be listed: { $detail }
err-view-form-unreadable = its newest version ({ $hash }) stored here cannot be read ({ $detail }); import a batch carrying a version written with this release of fourmi
err-view-name-taken = its view would be named `{ $view }`, which is already a view of form { $other }; give one of the two forms another form_id
err-device-line = `{ $line }` is not a device line: copy the whole line `fourmi device pubkey` prints on the laptop (fourmi-device <id> <key>).
err-device-weak-key = The key in the line of laptop { $device } is one anyone could sign with (a point of small order): it was not registered. That laptop's key was not made by fourmi; do not import its batches, and ask whoever gave you the line where it comes from.
err-xlsx-rows = The table { $table } has { $rows } rows, more than an Excel sheet holds (1,048,575 below its header); nothing was written. Export it as CSV or Parquet instead.
err-xlsx-cell = The answer in column { $column } of the table { $table } (record { $record }) is { $chars } characters long, more than an Excel cell holds (32,767); nothing was written. Export it as CSV or Parquet instead, which keep it whole.
cli-hq-small-k = warning: { $file }: batch { $seq } of laptop { $device } was written with k = { $k }: groups of fewer than 5 records in it can point at people, and the analysts' views show them as they came (headquarters' flat files apply k again). Ask the coordinator why, and keep its records among those who may see them
cli-hq-not-yet = note: laptop { $laptop }: { $n ->
    [one] batch
   *[other] batches
} { $list } not imported yet
export-report-no-quasi = No question is marked quasi-identifier: no k-anonymity check.
export-report-unprotected-repeat = Not covered, leaves as given (a quasi-identifier inside a repeat): { $list }. Ask it outside the repeat, or mark it personal.
export-report-unprotected-copy = Not covered, leaves as it is (calculated from a quasi-identifier, or choosing from its list): { $list }. Mark it quasi_identifier or personal in the form (privacy none: it tells nothing of who answered).
export-report-k-reached = k-anonymity: every combination of { $list } is shared by at least { $reached ->
    [one] one record
   *[other] { $reached } records
} (asked: { $k }).
export-report-k-short = k-anonymity NOT reached: asked { $k }, and with every answer hidden the smallest group has { $reached } records ({ $n } records in all). Export more records at once, or lower k.
export-report-l = l-diversity over { $list }: at least { $reached } distinct answers in every group (asked: { $l }).
export-report-nothing-coarsened = Coarsened: nothing (every answer as given).
export-report-arrived = Already coarse before this step (sent so by a laptop, or cut by the timestamp setting), and counted as lost: { $list }.
export-report-coarsened = Coarsened: { $list }.
export-report-nothing-hidden = Hidden: nothing.
export-report-hidden = Hidden (*): { $list } ({ $all ->
    [0] no record has every quasi-identifier hidden
    [one] one record has every quasi-identifier hidden
   *[other] { $all } records have every quasi-identifier hidden
}).
export-report-loss = Information lost: { $percent }% (a hidden answer counts whole, a coarsened one by how far it was coarsened).
export-report-preview-short = Nothing leaves while that is out of reach; the first records would look like this:
export-report-preview = The first records as they will leave:
export-report-groups = { $n ->
    [one] One group
   *[other] { $n } groups
} of { $list } (records - answers):

## Settings
settings-reopen-minutes = Minutes a monitor can reopen an interview it closed
settings-reopen-hint = 0: until the monitor starts the next interview. After that, the answers of a refused or screened-out interview are removed for good.
settings-k = Smallest group for exports (k)
settings-k-apply = Apply this k
settings-k-hint = Every batch and flat file leaves with each combination of quasi-identifiers (place, age, sex, nationality...) shared by at least this many records: answers are coarsened, then hidden, until it holds. See docs/disclosure.md.
settings-apply = Apply
settings-saved = Saved.
settings-saving = Saving...
settings-changing-passphrase = Sealing the keys with the new passphrase (this takes a moment by design)...
settings-own-passphrase = Your passphrase
settings-new-passphrase = New passphrase
settings-new-passphrase-again = New passphrase again
settings-change-own = Change my passphrase
settings-title = Accounts and settings
settings-text-size = Text size
settings-lock-minutes = Lock after minutes without use
settings-not-saved = The setting could not be saved ({ $detail }); it applies until fourmi closes.
settings-accounts = Accounts
settings-disabled = disabled
settings-reset = Reset passphrase
settings-disable = Disable
settings-disable-confirm = Disable { $name }? The account can no longer unlock this laptop; its records stay. This cannot be undone: a new account would be needed.
settings-disable-yes = Disable { $name }
settings-account-disabled = The account { $name } is disabled.
settings-add-title = Add an account
settings-reset-title = New passphrase for { $name }
settings-account-name = Account name
settings-role = Role
settings-add-button = Add the account
settings-reset-button = Set the passphrase
settings-cancel = Cancel
settings-account-added = The account { $name } was added.
settings-passphrase-set = The passphrase of { $name } was changed.
settings-recipients = Headquarters' public keys (age recipients)
settings-remove = Remove
settings-new-recipient = New key
settings-add-recipient = Add the key
settings-recipient-added = The key was added.
settings-recipient-removed = The key was removed.
settings-device = This laptop
settings-device-hint = Send this line to headquarters so that they can check the batches this laptop signs.

## Errors
err-account-exists = An account named { $name } already exists. Choose another name.
err-not-a-recipient = { $recipient } is not a headquarters key: an age public key starts with age1 (age-keygen prints it after "# public key:"). Copy it again.
err-secret-key-pasted = This is an age secret key (AGE-SECRET-KEY-…): it must stay at headquarters and never be typed on a laptop. Nothing was saved. Paste the public key instead, the line that starts with age1.
err-not-a-folder = { $dir } is a file, not a folder: choose the folder to write into (a USB stick, a shared folder).
err-hq-missing = There is no headquarters database in { $dir }: create it with `fourmi hq init --data-dir { $dir } --identity FILE`.
err-hq-exists = A headquarters database already exists in { $place }: import into it, or choose another folder or database.
err-pg-plaintext = The database { $address } is on another computer: fourmi sends records there only encrypted (TLS), and `sslmode=disable` turns that off. Remove `sslmode=disable` from the address and turn on ssl on the server, or reach the server through an SSH tunnel (host=localhost).
err-pg-no-tls = The PostgreSQL server { $address } does not offer TLS, and fourmi sends records to another computer only encrypted: nothing was sent. Turn on ssl in the server's postgresql.conf (with a certificate), or reach it through an SSH tunnel (host=localhost).
err-pg-roots-file = The root certificates file { $file } cannot be used ({ $why }): write in it the PEM certificates of the authorities that sign your PostgreSQL servers' certificates, or remove it.
err-pg-certificate = The PostgreSQL server { $address } showed a certificate signed by no authority this computer trusts: nothing was sent. If the server is yours, put the certificate of the authority that signed its certificate (or its own, if it signed it itself) in { $file } and try again; if you did not expect this, someone may be between you and the server.
err-pg-cert-name = The PostgreSQL server { $address } showed a certificate made out for another name: nothing was sent. Write the server's name as its certificate gives it in the address (not its IP address, unless the certificate names it), or give the server a certificate for this name; if you did not expect this, someone may be between you and the server.
err-pg-cert-dates = The PostgreSQL server { $address } showed a certificate that has expired or is not valid yet: nothing was sent. Renew the server's certificate, and check that this computer's date and time are right.
err-pg-roots-missing = PGSSLROOTCERT names the root certificates file { $file }, which is not there: correct PGSSLROOTCERT, or unset it to use the system's authorities.
err-pg-address = The database address cannot be used: fourmi does not take its `{ $option }` (an option it does not know, or a value it cannot read). Write postgres://USER:PASSWORD@HOST:PORT/DATABASE, or host=HOST port=PORT user=USER dbname=DATABASE.
err-pg-address-form = The database address cannot be read: write postgres://USER:PASSWORD@HOST:PORT/DATABASE, or host=HOST port=PORT user=USER dbname=DATABASE.
err-pg-connect = Cannot connect to PostgreSQL at { $address } ({ $why }): check that the server runs and can be reached, the address, the account and its password, then try again.
cli-passphrase-unreadable = Cannot read the passphrase file { $source } ({ $detail }).
cli-passphrase-unreadable-stdin = Cannot read the passphrase from standard input ({ $detail }).
err-folder-missing = The folder { $dir } does not exist. Is the USB stick plugged in? Choose the folder again.
err-batch-file-exists = { $file } already exists: was this laptop's data restored from a backup? Move that file away and export again.
err-batch-not-a-batch = This file is not a fourmi batch ({ $detail }).
err-batch-damaged = The batch is damaged ({ $detail }); nothing was imported from it: ask for it again (the laptop can re-export it).
err-batch-unknown-device = The batch comes from a laptop that is not registered here (device { $detail }); nothing was imported: register it with `fourmi hq devices add` and the line `fourmi device pubkey` prints on that laptop.
err-batch-bad-signature = The batch's signature does not match laptop { $detail }: it was changed after it was written, or forged; nothing was imported.
err-batch-not-for-us = The batch was not encrypted for this headquarters' identity ({ $detail }); nothing was imported: add this recipient on the laptop and export again.
err-batch-out-of-sequence = Batch { $seq } of laptop { $device } was already imported from a different file; nothing was imported: a laptop never writes two batches with one number, so this one was restored from a backup or forged.
err-batch-unapproved = The batch's approvals do not verify ({ $detail }); nothing was imported: the laptop's coordinator exports again with this version of fourmi, and tells headquarters if it keeps happening.
err-batch-invalid = The batch holds data that does not fit its questionnaire ({ $detail }); nothing was imported.
err-batch-identity = Cannot use the identity file { $detail }.
err-batch-io = { $detail }
err-flat-no-form-hq = There is no record of a questionnaire { $form } here (questionnaires: { $known }). Check the form id.
err-flat-no-form-laptop = There is no approved record of a questionnaire { $form } on this laptop (questionnaires with records here: { $known }): approve records first, or check the form id.
err-release-differs = Flat files of { $form } were written on { $at } with k { $k }, l { $l } and { $coarsen ->
        [none] exact timestamps
        [day] timestamps to the day
        [month] timestamps to the month
       *[other] unknown settings
    }. Files anonymised otherwise can be laid beside them, and what one set hid the other may show. Write with the same settings; only if those files were never given to anyone, write a new release.
err-labels-language = The questionnaire { $form } has no language { $lang } to label choices in (its languages: { $known }). Give one of them, as written or by its code (fr).
label-change-language = it adds the language(s) { $list }, whose labels no older version has
label-change-question = the question `{ $question }` was "{ $was }" and is now "{ $is }"
label-change-choice = the choice `{ $choice }` of `{ $question }` was "{ $was }" and is now "{ $is }"
warn-form-relabels = warning: every record of { $form } is labelled with its newest version `{ $new }` ({ $newhash }, sent by { $newfrom }), which labels otherwise than version `{ $old }` ({ $oldhash }, sent by { $oldfrom }): { $changes }; check that the newest version is one headquarters distributed
err-table-no-records = There is no finished record of the questionnaire { $form } here yet.
err-table-unknown = The questionnaire has no question { $question }.
err-table-not-select = { $question } is not a choice question: tables count the choices of select_one and select_multiple questions.
err-table-scope = { $by } cannot break down { $question }: it must be at the top level of the questionnaire or in the same repeat.
err-table-filter = The filter { $filter } is not a valid expression: { $detail }
form-finding = { $detail }
err-form-id-twice = { $file }: the form_id { $id } is used by another questionnaire too; the first one is kept. Give each questionnaire its own form_id.
err-autosave-thread = The answers cannot be saved as they are typed ({ $detail }). Close the interview (it is saved then) and open it again.
err-no-window = The window could not be opened ({ $detail }). fourmi needs a desktop session (X11 or Wayland, with OpenGL). The commands work without one: fourmi --help
hint-iso-date = YYYY-MM-DD
err-k-unreachable = The records of { $form } cannot reach k = { $k }: there are { $n }, and even with every quasi-identifier hidden the smallest group has { $reached }. Nothing was written. Try again once there are more records (more interviews approved, or more batches imported at headquarters), or lower k.
err-l-unreachable = The records of { $form } cannot reach l = { $l }: even with every quasi-identifier hidden, a group has only { $reached } distinct answers to { $list }, or an answer every one of its records gave (k = { $k } is reached). Nothing was written. Lower l, or try again once there are more records.
err-no-recipients = There is no headquarters key to encrypt the batch to. Add one in the settings, then export.
err-already-open = The data in { $dir } is already open in another fourmi window or command. Close it and try again.
err-not-set-up = There is no fourmi data in { $dir } yet. Run the first-time setup.
err-already-set-up = fourmi is already set up in { $dir }. Unlock it with an account instead.
err-wrong-passphrase = The account name or the passphrase is wrong. Check both and try again.
err-key-replaced = This account's key no longer opens the data: the laptop's data key was replaced (when a passphrase was reset or an account disabled) before this account had unlocked with this version of fourmi. Ask a coordinator to reset this account's passphrase.
err-weak-passphrase = A passphrase needs at least { $n } characters; a few words make a good one.
forbid-device-key = Your account cannot use this laptop's signing key: only a coordinator can.
forbid-no-device-key = This coordinator account cannot sign batches yet: it does not hold the laptop's key. Another coordinator can reset its passphrase to give it.
forbid-accounts = Your account cannot manage accounts: only a coordinator can.
forbid-accounts-before-unlock = Accounts cannot be managed before a coordinator has unlocked this laptop once.
forbid-reset = Your account cannot reset another account's passphrase: only a coordinator can.
forbid-recipients = Your account cannot change headquarters' keys: only a coordinator can.
forbid-edit-other = This record belongs to another monitor: only its own monitor can change it.
forbid-reopen-other = This interview belongs to another monitor: only its own monitor can reopen it.
forbid-approve = Your account cannot approve records: only a supervisor or a coordinator can.
forbid-return = Your account cannot return records: only a supervisor or a coordinator can.
forbid-withdraw = Your account cannot delete a record's answers: only a supervisor or a coordinator can.
forbid-export = Your account cannot export records: only a coordinator can.
forbid-settings = Your account cannot change this setting: only a coordinator can.
forbid-no-own-key = This account cannot sign yet: it has no key of its own. Lock, then unlock once more.
forbid-rekey-before-unlock = The data key cannot be replaced yet: lock, then unlock once more, so that the account list holds your own key.
err-no-account = There is no account named { $what }. Check the name.
err-no-recipient = { $what } is not among headquarters' keys.
err-no-record = This record was not found (it may have been deleted). { $what }
err-no-form-version = The questionnaire this record was made with was not found ({ $what }). Ask your coordinator.
err-reexport-changed = Batch { $seq } cannot be written again: { $n ->
    [one] one of its records was
   *[other] { $n } of its records were
} withdrawn, reopened or sent again changed since. Its other records would be anonymised again without them and could leave hidden differently from the first time, and the two files together would undo the protection. If headquarters imported batch { $seq }, nothing is missing: what changed goes in the next batch. If its file is lost, tell headquarters which batch it was.
err-no-written-batch = There is no written batch number { $what } to write again. Check the number in the list of batches.
err-no-batch-being-written = Batch number { $what } is no longer being written. Check the list of batches.
err-disable-self = You cannot disable the account you are using.
err-account-name = { $name } cannot be an account name: use 2 to 40 lower-case letters a-z, digits, ".", "_" or "-".
err-not-finalised = The interview is not finished yet: some answers are missing or invalid.
err-return-needs-comment = Say what to correct: a returned record needs a comment.
err-not-reopenable = This interview can no longer be reopened: its answers were removed when the next interview started.
err-transition = A record that is { $from } cannot become { $to }.
err-invalid = { $detail }
err-disk-full = The disk is full: this change was not saved (everything saved before is intact). Free some space and try again.
err-read-only = The data folder cannot be written: this change was not saved; everything saved before is intact.
err-disk-io = Writing to the disk failed (code { $code }): this change was not saved; everything saved before is intact. Check the disk.
err-newer = This data was written by a newer version of fourmi (schema { $version }). Install that version to open it.
err-keyring-missing = { $dir } holds fourmi data (fourmi.db) but its keyring.json is missing, and the data cannot be opened without it. Nothing was changed. Copy keyring.json back into this folder from a backup of it; setup will not overwrite the data.
err-database-missing = { $dir } holds fourmi's keyring.json but its database fourmi.db is missing or empty. Nothing was changed. Copy fourmi.db (with fourmi.db-wal if there is one) back into this folder from a backup; setup will not overwrite the keyring.
folder-incomplete-title = Part of this laptop's fourmi data is missing
err-guessable-passphrase = This passphrase is too easy to guess: { $why }. Use four or more words that do not belong together.
pass-why-keyboard = keyboard patterns are easy to guess
pass-why-repeats = repeated letters or words are easy to guess
pass-why-common = it is one of the most common passphrases
pass-why-sequence = sequences like abc or 123 are easy to guess
pass-why-dates = years and dates are easy to guess
pass-why-word = a word by itself is easy to guess
pass-why-names = names are easy to guess
pass-why-short = it is too short or too simple
err-too-many-tries = Too many wrong passphrases in a row for this account. Wait { $seconds ->
    [one] one second
   *[other] { $seconds } seconds
} before the next try.
err-corrupt = The data is damaged: { $detail }. Do not delete anything; ask your coordinator.
err-io = Cannot use { $path }: { $detail }
err-db = Database error: { $detail }

## Tables
tables-title = Tables
tables-intro = Counts and shares of a question's answers in the finished interviews on this laptop, with the denominator next to each percentage, as 4Mi publishes them.
tables-none = (none)
tables-no-records = No finished interview yet.
tables-question = Question
tables-by = Broken down by
tables-where = Only where
tables-show = Show the table
tables-chart = Share of all (%)
tables-find = type to find a question
tables-all = All
tables-base = Base
tables-base-mentions = Base (mentions)
tables-respondents = respondents
tables-instances = `{ $repeat }` reports
tables-caption-single = Share of { $units } who answered
tables-caption-units = Multi-select: share of { $units } who answered choosing each option
tables-caption-mentions = Multi-select: share of all mentions (every choice made)

## Headquarters' screens
hq-title = Headquarters
hq-tab-import = Import batches
hq-tab-laptops = Laptops
hq-tab-tables = Tables
hq-tab-files = Flat files
hq-files-intro = Every record of one form, anonymised over all of them as a batch is (timestamps coarsened, free text scrubbed, quasi-identifiers coarsened and hidden until every group has at least k records), written as files for R, Stata, Python or Excel with a codebook.
hq-files-no-forms = No records yet: import batches first.
hq-files-form = Form
hq-files-check = Prepare the files
hq-files-use-earlier = Use the last files' settings
hq-files-new-release = The last files were never given to anyone: write these as a new release
hq-files-write = Write the files
hq-files-writing = Writing the files...
hq-files-report = Before writing: what the files will hold
hq-files-format = Files
hq-files-format-csv = CSV, a codebook and a Stata do-file
hq-files-format-xlsx = One Excel workbook
hq-files-format-parquet = Parquet (typed columns) and a codebook
hq-files-values = Choices as
hq-files-values-names = their names (codes)
hq-files-values-labels = their labels in { $lang }
hq-files-excel-fr = For Excel in French (semicolons, accents kept)
hq-files-written = { $n ->
    [one] 1 record written:
   *[other] { $n } records written:
}
hq-files-unplaced = { $n } answers to questions the newest version of the form no longer has are not in the files.
hq-files-failed = The files could not be written: { $detail }
hq-import-intro = Choose the batch files the coordinators sent (or drop them on this window). Each one is checked (the laptop's signature, the approvals, every answer against its form) and imported whole or not at all; importing one again changes nothing.
hq-import-button = Choose batch files…
hq-import-typed = or its path
hq-import-go = Import
hq-pick-title = Batch files to import
hq-drop-here = Drop the files here to import them.
hq-importing = Importing { $i } of { $n }: { $file }
hq-waiting = Another import (or another change of headquarters' data) is under way: this one starts when it finishes.
hq-imported = { $file }: batch { $seq }: { $imported } new, { $updated } updated, { $unchanged } unchanged, { $deleted } withdrawn
hq-shared-ids = { $n ->
    [one] One record has the id of another laptop's record: both are kept. Two laptops never make the same id: one is rogue, or was set up from a copy of the other.
   *[other] { $n } records have the id of another laptop's record: both are kept. Two laptops never make the same id: one is rogue, or was set up from a copy of the other.
}
hq-rolled-back = Batch { $seq } of this laptop, imported before, carried an older account list than this one: the laptop's files were put back to an older state, which can bring back a disabled account. Check the records of batch { $seq }, and the laptop.
hq-views-failed = The batches were imported, but some of the analysts' views could not be made: { $detail }
hq-register-title = Register a laptop
hq-register-hint = Paste the line the laptop shows in Accounts and settings, under "This laptop" (or that `fourmi device pubkey` prints on it). A laptop registered again with a name is renamed.
hq-register-line = The laptop's line
hq-register-name = Its name
hq-register-button = Register the laptop
hq-registered = Laptop { $id } registered: its batches can be imported.
hq-no-laptops = No laptop is registered yet: register each above with the line it shows (or with `fourmi hq devices add`).
hq-laptop-name = Laptop
hq-laptop-batches = Batches imported
hq-laptop-last = Last number
hq-laptop-missing = Numbers missing
hq-none-missing = none
tables-intro-hq = Counts and shares of a question's answers over every record imported at headquarters, with the denominator next to each percentage, as 4Mi publishes them.
err-form-unreadable = Cannot read the questionnaire { $file }: { $detail }
err-form-format = { $file }: fourmi reads questionnaires as .toml, .xlsx, .xls, .xlsm, .ods or .md files.
err-form-syntax = { $place }: this file cannot be read as a questionnaire: { $detail }
cli-need-new-passphrase = Give the coordinator's new passphrase with --passphrase-file FILE (or - for standard input).
cli-not-a-role = { $role } is not a role: use monitor, supervisor or coordinator.
cli-audit-broken = The audit trail is broken at row { $row }: { $reason }
cli-bad-coarsen = --coarsen is none, day or month, not { $value }.
cli-nothing-to-export = There is nothing to export: no approved record with consent that an earlier batch did not carry.
cli-need-to = Say where to write the batch: --to FOLDER (or --check to see the report only).
cli-demo-need-dir = Say where to put the demo data: --data-dir FOLDER (a new folder; your own data is not touched).
err-days-reversed = From { $since } to { $until } is no time at all: the first day comes after the last. Swap them.
err-not-a-day = { $value } is not a date: write it as year-month-day, for example 2026-03-31.
cli-release-new-hint = On the command line: --new-release.
release-earlier = Last flat files of { $form }: { $at }, { $records } records, k { $k }, l { $l }, { $coarsen ->
        [none] exact timestamps
        [day] timestamps to the day
        [month] timestamps to the month
       *[other] unknown settings
    } ({ $count ->
        [one] the only release
       *[other] { $count } releases in all
    }); these files are made with { $same ->
        [yes] the same settings.
       *[no] other settings.
    }
cli-parse-invalid-value = { $value } is not a value { $arg } takes{ $valid ->
        [none] .
       *[other] : it takes { $valid }.
    }
cli-parse-unknown-option = This command has no option { $arg }{ $hint ->
        [none] .
       *[other] ; did you mean { $hint }?
    }
cli-parse-unknown-command = There is no command { $arg }{ $hint ->
        [none] .
       *[other] ; did you mean { $hint }?
    }
cli-parse-missing = This command needs { $arg }.
cli-parse-values = { $arg } was given too many or too few values.
cli-parse-conflict = { $arg } cannot be given with { $with }.
cli-parse-missing-command = Say which command to run.
cli-parse-help = What each command takes: fourmi --help, fourmi COMMAND --help (in English).
cli-export-no-form = This laptop has no record of a questionnaire { $form } (its questionnaires: { $known }). Check the form id.
cli-need-user = Say which account to unlock with: --user NAME.
cli-need-passphrase = Give the passphrase with --passphrase-file FILE (or - for standard input).
cli-confirm-files = Write these files? [y/N]
cli-confirm-files-needs-yes = The files are written once confirmed, and there is no terminal to ask on (an answer piped in is not taken as one): pass --yes to write without asking.
cli-files-not-written = Nothing written: answer y to write the files, or pass --yes.
