# fourmi : les mots de l'application, en français.

ui-language = Langue de l'interface
lock-button = Verrouiller (Ctrl+L)
notice-dismiss = Fermer
home-signed-in = { $name } ({ $role })

role-monitor = enquêteur
role-supervisor = superviseur
role-coordinator = coordinateur

status-draft = Brouillon
status-completed = À vérifier
status-returned = Renvoyé
status-approved = Approuvé
status-exported = Exporté
status-withdrawn = Retiré
status-refused = Refusé
status-screened_out = Non éligible

## Premier lancement
setup-title = Bienvenue dans fourmi : première configuration
setup-intro = Créez le compte coordinateur de cet ordinateur. Sa phrase secrète protège tous les entretiens enregistrés ici : choisissez quelques mots que personne ne peut deviner et gardez-les en lieu sûr. Sans phrase secrète, personne, pas même vous, ne peut lire les données.
setup-language = Langue
setup-name = Nom du compte coordinateur
setup-passphrase = Phrase secrète
setup-passphrase-again = Phrase secrète, à nouveau
setup-device = Nom de cet ordinateur
setup-recipients = Clés publiques du siège (destinataires age), une par ligne
setup-recipients-hint = Les lots exportés de cet ordinateur ne s'ouvrent qu'avec ces clés. Vous pourrez les ajouter plus tard dans les réglages.
setup-button = Configurer fourmi
setup-need-name = Saisissez un nom pour le compte coordinateur.
setup-mismatch = Les deux phrases secrètes diffèrent ; saisissez-les à nouveau.
setup-running = Création des données chiffrées et scellement de leurs clés (cela prend un moment, à dessein)...

## Déverrouillage
unlock-opening = Ouverture des données...
unlock-title = Déverrouiller fourmi
unlock-name = Nom du compte
unlock-passphrase = Phrase secrète
unlock-button = Déverrouiller
unlock-locked = fourmi s'est verrouillé. Tout a été enregistré ; déverrouillez pour continuer.

## Navigation
nav-home = Accueil
nav-new-interview = Nouvel entretien
nav-records = Fiches
nav-tallies = Décomptes
nav-tables = Tableaux
nav-export = Export
nav-settings = Comptes et réglages

## Accueil
home-title = Accueil
home-no-records = Aucune fiche pour l'instant.
home-to-finish = Vos entretiens à terminer
home-nothing-to-finish = Rien à terminer.
home-continue = Continuer
home-correct = Corriger
home-finalised = { $n ->
    [one] Un entretien que vous avez finalisé (ses réponses sont chez votre superviseur)
   *[other] { $n } entretiens que vous avez finalisés (leurs réponses sont chez votre superviseur)
}
home-start = Commencer un nouvel entretien
home-to-review = En attente de votre vérification
home-nothing-to-review = Rien à vérifier.
home-review = Vérifier
home-export = Export
home-ready = { $n ->
    [0] Aucune fiche approuvée n'est prête à exporter.
    [one] Une fiche approuvée est prête à exporter.
   *[other] { $n } fiches approuvées sont prêtes à exporter.
}
home-last-batch = Dernier lot : numéro { $seq }, { $when }, { $n ->
    [0] aucune fiche
    [one] une fiche
   *[other] { $n } fiches
}.
home-no-batch = Aucun lot écrit pour l'instant.

## Nouvel entretien
start-title = Nouvel entretien
start-form = Questionnaire
start-form-problem = Un questionnaire n'a pas pu être chargé : { $detail }
start-language = Langue de l'entretien
start-purges = { $n ->
    [one] Commencer efface pour de bon les réponses de l'entretien que vous avez clos ; d'ici là, vous pouvez encore le rouvrir depuis l'accueil.
   *[other] Commencer efface pour de bon les réponses des { $n } entretiens que vous avez clos ; d'ici là, vous pouvez encore les rouvrir depuis l'accueil.
}
start-button = Commencer l'entretien

## Entretien
iv-progress = { $n } / { $total }
iv-language = Langue de l'entretien
iv-jump = Liste des questions (Ctrl+J)
iv-jump-keys = Flèches pour se déplacer, Entrée pour y aller, Échap pour fermer.
iv-jump-title = Aller à
iv-jump-end = Vérifier et finaliser
iv-close = Enregistrer et fermer
iv-closed-saved = L'entretien est enregistré comme brouillon ; reprenez-le depuis l'accueil.
iv-saved = Enregistré
iv-saving = Enregistrement...
iv-back = < Précédent (Alt+Gauche)
iv-next = Suivant (Entrée) >
iv-keys = Touches : un numéro ou le début d'un libellé choisit · Entrée suivant · Alt+Gauche précédent · Ctrl+J liste
iv-remove-repeat = Supprimer { $what } { $n }
iv-add-repeat = Ajouter un autre « { $what } » ? ({ $n } pour l'instant)
iv-add-repeat-yes = Ajouter (1)
iv-add-repeat-no = Non, continuer (2)
iv-acknowledge = OK
iv-not-collected-media = Non recueilli sur cet ordinateur : les photos, enregistrements, fichiers, signatures et codes-barres peuvent identifier les personnes interrogées, et les entretiens 4Mi sont anonymes. Passez à la question suivante.
iv-not-collected-location = Non recueilli sur cet ordinateur : les tracés, surfaces et positions relevés par l'appareil disent où sont les personnes, et les entretiens 4Mi sont anonymes. Passez à la question suivante.
iv-not-collected-device = Non recueilli sur cet ordinateur : les numéros de téléphone, de carte SIM et d'abonné et les adresses e-mail identifient les personnes et les téléphones, et les entretiens 4Mi sont anonymes. Passez à la question suivante.
iv-clear = Effacer la réponse
iv-no-choices = Aucun choix n'est encore proposé : répondez d'abord aux questions précédentes.
iv-now = Maintenant
cal-open = Calendrier (Alt+Bas)
cal-previous = Mois précédent (Page préc.)
cal-next = Mois suivant (Page suiv.)
cal-today = Aujourd'hui
cal-close = Fermer (Échap)
cal-keys = Flèches : jour et semaine ; Page préc. / Page suiv. : mois ; Entrée : cette date.
cal-month-1 = janvier
cal-month-2 = février
cal-month-3 = mars
cal-month-4 = avril
cal-month-5 = mai
cal-month-6 = juin
cal-month-7 = juillet
cal-month-8 = août
cal-month-9 = septembre
cal-month-10 = octobre
cal-month-11 = novembre
cal-month-12 = décembre
cal-day-1 = lu
cal-day-2 = ma
cal-day-3 = me
cal-day-4 = je
cal-day-5 = ve
cal-day-6 = sa
cal-day-7 = di
iv-hint-date = JJ/MM/AAAA
iv-hint-datetime = AAAA-MM-JJTHH:MM
iv-hint-time = HH:MM
iv-hint-integer = un nombre entier
iv-hint-decimal = un nombre
iv-hint-geopoint = latitude longitude, p. ex. 12.65 -8.0
iv-rank-up = Monter
iv-rank-down = Descendre
iv-rank-keep = Garder cet ordre
iv-required = Cette question demande une réponse.
iv-constraint = Cette réponse n'est pas valable ici.
iv-form-error = Le questionnaire a une erreur ici ({ $detail }) ; prévenez votre coordinateur.
iv-review-title = Vérification avant de finaliser
iv-review-ready = Toutes les réponses obligatoires sont données. Finalisez pour envoyer l'entretien à la vérification.
iv-review-blocking = { $n ->
    [0] Aucune réponse ne demande votre attention.
    [one] Une réponse demande encore votre attention :
   *[other] { $n } réponses demandent encore votre attention :
}
iv-go-there = Y aller
iv-finalize = Finaliser (Ctrl+Entrée)
iv-review-answers = Toutes les réponses
iv-finalised = Entretien finalisé et enregistré ; il attend maintenant la vérification.
iv-refused = La personne n'a pas donné son consentement.
iv-screened-out = La personne n'est pas éligible pour cette enquête.
iv-closed-nothing-kept = L'entretien est clos. Aucune réponse n'a été gardée.
iv-closed-can-reopen = L'entretien est clos. Si c'est une erreur, rouvrez-le : toutes les réponses reviennent. Dès que vous commencez l'entretien suivant (ou après le délai fixé par votre coordinateur), les réponses après la question de consentement ou de sélection sont effacées pour de bon.
iv-reopen = Rouvrir l'entretien
iv-close-title = Clore l'entretien ?
iv-close-refused-explain = La question de consentement a pour réponse « non ». Clore l'entretien ne garde aucune réponse après la question de consentement.
iv-close-screened-explain = D'après les réponses de sélection, la personne n'est pas éligible. Clore l'entretien ne garde aucune réponse à partir des questions de sélection.
iv-close-confirm = Clore l'entretien
iv-close-change = Revenir et changer la réponse
iv-fix-first = Corrigez ou effacez cette réponse avant de continuer.
iv-back-home = Retour à l'accueil (Entrée)
iv-returned-comment = Renvoyé par { $who } le { $when } : { $comment }

## Messages sur les réponses (dans la langue de l'entretien)
ans-not-integer = Saisissez un nombre entier.
ans-not-number = Saisissez un nombre.
ans-out-of-range = Choisissez une valeur de { $start } à { $end } par pas de { $step }.
ans-no-such-date = Cette date n'existe pas : vérifiez le jour et le mois.
ans-not-date = Saisissez une date sous la forme JJ/MM/AAAA (jour, mois, année).
ans-not-datetime = Saisissez une date et une heure sous la forme AAAA-MM-JJTHH:MM.
ans-not-time = Saisissez une heure sous la forme HH:MM.
ans-not-a-choice = « { $choice } » ne fait pas partie des choix proposés.
ans-bad-ranking = Classez chaque choix, une fois chacun.
ans-not-geopoint = Saisissez les coordonnées en degrés, latitude puis longitude, p. ex. 12.65 -8.0.
ans-not-answerable = Cet élément n'attend pas de réponse.
ans-read-only = Cette réponse ne peut pas être modifiée.
ans-not-asked = Cette question n'est pas posée maintenant.

## Fiches
records-title = Fiches
records-all = Toutes
records-status = Statut
records-form = Questionnaire
records-monitor = Enquêteur
records-since = Du
records-until = Au
records-search = Rechercher
records-apply = Appliquer
records-reading = Lecture des fiches...
records-stop = Arrêter
records-count = { $n ->
    [0] Aucune fiche
    [one] Une fiche
   *[other] { $n } fiches
}
records-prev = < Précédente
records-next = Suivante >
records-page = Page { $n } sur { $total }
records-started = Début
records-rev = Rév.
records-uuid = Fiche

## Une fiche
record-title = Fiche
record-revision = Révision { $n }
record-answers = Réponses
record-no-answers = Aucune réponse n'est gardée pour cette fiche.
record-approval-invalid = Cette approbation ne se vérifie pas : la fiche a été approuvée avant la signature des approbations, ou modifiée depuis. Elle reste sur l'ordinateur jusqu'à une nouvelle approbation ; vérifiez d'abord ses réponses.
record-withdrawal-unsigned = Ce retrait a été fait avant la signature des retraits : aucun lot ne le porte au siège tant qu'un superviseur ne l'a pas signé.
record-sign-withdrawal = Signer le retrait
record-approve-again = Approuver à nouveau
record-approve = Approuver
record-approved = Fiche approuvée.
record-comment = Commentaire pour l'enquêteur
record-return = Renvoyer à l'enquêteur
record-comment-needed = Écrivez ce que l'enquêteur doit corriger avant de renvoyer la fiche.
record-returned = Fiche renvoyée à son enquêteur.
record-withdraw-confirm = La personne a retiré son consentement
record-withdraw = Retirer : effacer les réponses
record-withdrawn = Les réponses ont été effacées ; une trace est gardée pour que le siège les efface aussi.
record-approving = Approbation de la fiche...
record-returning = Renvoi de la fiche à son enquêteur...
record-withdrawing = Effacement des réponses...
record-corrections = Corrections
record-correction = Révision { $rev } : { $field } : { $old } -> { $new } ({ $who }, { $when })
record-comments = Commentaires
record-audit = Journal d'audit ({ $n ->
    [0] aucun événement
    [one] un événement
   *[other] { $n } événements
})

## Décomptes
tallies-title = Décomptes
tallies-by-status = Par statut
tallies-by-form = Par questionnaire
tallies-by-monitor = Par enquêteur
tallies-by-day = Par jour (31 derniers jours avec entretiens)

## Export
export-title = Export
export-intro = Un lot contient les fiches approuvées dont le consentement à l'entretien est enregistré, chiffrées pour le siège et signées par cet ordinateur.
export-count = { $n ->
    [0] Aucune fiche ne serait exportée.
    [one] Une fiche serait exportée.
   *[other] { $n } fiches seraient exportées.
}
export-recipients = { $n ->
    [0] Chiffré pour aucune clé du siège.
    [one] Chiffré pour une clé du siège.
   *[other] Chiffré pour { $n } clés du siège.
}
export-no-recipients = Aucune clé du siège n'est définie : ajoutez-en une dans Comptes et réglages avant d'exporter.
export-check = Vérifier le lot
export-checking = Lecture et anonymisation des fiches...
export-coarsen = Horodatages
export-coarsen-none = tels quels
export-coarsen-day = jour seulement
export-coarsen-month = mois seulement
export-k = Plus petit groupe (k)
export-l = Réponses sensibles distinctes par groupe (l)
export-choose-folder = Choisir...
export-folder = Écrire dans le dossier
export-write = Écrire le lot
export-nothing = Rien à exporter : chaque fiche approuvée avec consentement est déjà partie dans un lot précédent.
export-writing = Écriture : { $n } / { $total } fiches
export-done = Lot { $seq } écrit : { $n ->
    [0] aucune fiche
    [one] une fiche, désormais exportée
   *[other] { $n } fiches, désormais exportées
}. Fichier : { $file }
export-another = Terminé
export-again-of = Nouvelle écriture de ce que contenait le lot { $seq } (comme un nouveau lot).
export-next-instead = Exporter plutôt les nouvelles fiches
export-again = Réécrire le lot { $seq }
export-ledger = Lots écrits sur cet ordinateur
export-ledger-empty = Aucun lot pour l'instant.
export-ledger-written = Lot { $seq }, { $when }, par { $who } : { $n ->
    [0] aucune fiche
    [one] une fiche
   *[other] { $n } fiches
}, { $w ->
    [0] aucun retrait
    [one] un retrait
   *[other] { $w } retraits
}
export-ledger-failed = Lot { $seq }, { $when } : non écrit (le numéro ne sera pas réutilisé)
export-report = Avant d'écrire : ce qui quitte l'ordinateur
export-report-counts = { $n ->
    [0] Aucune fiche
    [one] Une fiche
   *[other] { $n } fiches
} et { $w ->
    [0] aucun retrait
    [one] un retrait
   *[other] { $w } retraits
}.
export-report-unsigned-withdrawals = { $n ->
    [one] Un retrait est laissé de côté : il a été fait avant la signature des retraits. Un superviseur le signe sur l'écran de la fiche (Signer le retrait).
   *[other] { $n } retraits sont laissés de côté : ils ont été faits avant la signature des retraits. Un superviseur les signe sur l'écran de chaque fiche (Signer le retrait).
}
export-report-unapproved = { $n ->
    [one] Une fiche approuvée est laissée de côté : son approbation ne se vérifie pas (approuvée avant la signature des approbations, ou modifiée depuis). Un superviseur l'approuve à nouveau.
   *[other] { $n } fiches approuvées sont laissées de côté : leur approbation ne se vérifie pas (approuvées avant la signature des approbations, ou modifiées depuis). Un superviseur les approuve à nouveau.
}
export-report-no-consent = { $n } fiches approuvées n'ont pas de consentement enregistré : elles restent sur cet ordinateur.
export-report-scrubbed = Texte libre : { $phones ->
    [0] aucun numéro de téléphone
    [one] un numéro de téléphone
   *[other] { $phones } numéros de téléphone
} et { $emails ->
    [0] aucune adresse électronique
    [one] une adresse électronique
   *[other] { $emails } adresses électroniques
} remplacés.
export-report-form = Questionnaire { $form } : { $n ->
    [0] aucune fiche
    [one] une fiche
   *[other] { $n } fiches
}.
export-report-no-personal = Aucune question n'est marquée personnelle.
export-report-personal = Non exporté (personnel) : { $list } ({ $n ->
    [0] aucune réponse
    [one] une réponse
   *[other] { $n } réponses
} retirée(s)).
export-report-k-one = k = 1 : les quasi-identifiants partent tels que répondus, sans contrôle de divulgation. Seulement pour des données qui restent chez vous.
export-report-no-sensitive = Aucune question de ce questionnaire n'est marquée sensible : l n'est pas vérifié.
cli-reexport-options = Le lot { $seq } est réécrit tel qu'il a d'abord été anonymisé ({ $options }) ; les options demandées maintenant ne servent pas.
cli-confirm-write = Écrire le lot ? [o/N]
cli-confirm-needs-yes = Le lot est écrit une fois confirmé, et il n'y a pas de terminal où le demander (une réponse envoyée par un tube n'en tient pas lieu) : ajoutez --yes pour écrire sans question.
cli-not-written = Rien n'a été écrit : répondez o pour écrire le lot, ou ajoutez --yes.
cli-k-l-range = --k va de 1 à { $maxk } et --l de 1 à { $maxl } (comme sur l'écran d'export) ; rien n'a été écrit.
cli-written = écrit : { $path }
cli-sha256 = sha256 : { $digest }
cli-flat-records = { $n ->
    [one] { $n } fiche
   *[other] { $n } fiches
} de { $form }
cli-flat-unplaced = note : { $n ->
    [one] { $n } réponse
   *[other] { $n } réponses
} à des questions que la version la plus récente du formulaire n'a plus ne sont pas dans les tableaux
cli-batch-written = { $n ->
    [one] { $n } fiche
   *[other] { $n } fiches
}, { $w ->
    [one] { $w } retrait
   *[other] { $w } retraits
}, { $file }
cli-batch-failed = non écrit : { $why }
cli-batch-again = (de nouveau : lot { $seq })
cli-hq-registered = enregistré : { $id }
cli-hq-batches = { $n ->
    [one] { $n } lot
   *[other] { $n } lots
}, dernier { $last }
cli-hq-missing = manquants : { $list }
cli-hq-created = base du siège créée dans { $place }
cli-hq-analysts = les analystes lisent les vues du schéma `analysis` avec un compte du rôle fourmi_reader (CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE fourmi_reader)
cli-hq-encrypt-to = les ordinateurs chiffrent pour : { $recipient }
cli-hq-imported = { $file } : ordinateur { $device } lot { $seq } : { $imported ->
    [one] { $imported } importée
   *[other] { $imported } importées
}, { $updated ->
    [one] { $updated } mise à jour
   *[other] { $updated } mises à jour
}, { $unchanged ->
    [one] { $unchanged } inchangée
   *[other] { $unchanged } inchangées
}, { $deleted ->
    [one] { $deleted } retirée
   *[other] { $deleted } retirées
}
cli-hq-rolled-back = attention : { $file } : le lot { $later } de l'ordinateur { $device }, importé avant, portait une liste de comptes plus ancienne (version { $version }) que ce lot : les fichiers de l'ordinateur ont été remis dans un état antérieur avant l'écriture du lot { $later }, ce qui peut rétablir un compte désactivé. Vérifiez les fiches apportées par le lot { $later }, et l'ordinateur
hq-small-k = Écrit avec k = { $k } : des groupes de moins de 5 fiches peuvent y désigner des personnes, et les vues des analystes les montrent telles qu'elles sont arrivées (les fichiers à plat appliquent k de nouveau). Demandez au coordinateur pourquoi.
cli-hq-shared-ids = attention : { $file } : { $n ->
    [one] { $n } fiche
   *[other] { $n } fiches
} de l'ordinateur { $device } ont l'identifiant d'une fiche d'un autre ordinateur ; les deux sont gardées, chacune sous son ordinateur. Deux ordinateurs ne créent jamais le même identifiant : l'un d'eux est malveillant, ou a été installé à partir d'une copie de l'autre
cli-hq-views-failed = attention : les lots ont été importés, mais certaines vues des analystes n'ont pas pu être faites : { $detail }
cli-hq-waiting = un autre import (ou une autre modification des données du siège) est en cours : attente de sa fin…
hq-view-failure = formulaire { $form } : { $detail }
hq-view-forms-unlisted = les formulaires n'ont pas pu être listés : { $detail }
err-view-form-unreadable = sa version la plus récente ({ $hash }) enregistrée ici ne peut pas être lue ({ $detail }) ; importez un lot portant une version écrite avec cette version de fourmi
err-view-name-taken = sa vue s'appellerait `{ $view }`, qui est déjà une vue du formulaire { $other } ; donnez à l'un des deux formulaires un autre form_id
err-device-line = `{ $line }` n'est pas une ligne d'ordinateur : copiez la ligne entière que `fourmi device pubkey` affiche sur l'ordinateur (fourmi-device <id> <clé>).
err-device-weak-key = La clé de la ligne de l'ordinateur { $device } est une clé avec laquelle n'importe qui pourrait signer (un point de petit ordre) : elle n'a pas été enregistrée. Cette clé n'a pas été faite par fourmi ; n'importez pas ses lots et demandez à qui vous a donné la ligne d'où elle vient.
err-xlsx-rows = La table { $table } a { $rows } lignes, plus qu'une feuille Excel n'en contient (1 048 575 sous son en-tête) ; rien n'a été écrit. Exportez-la plutôt en CSV ou en Parquet.
err-xlsx-cell = La réponse de la colonne { $column } de la table { $table } (fiche { $record }) fait { $chars } caractères, plus qu'une cellule Excel n'en contient (32 767) ; rien n'a été écrit. Exportez plutôt en CSV ou en Parquet, qui la gardent entière.
cli-hq-small-k = attention : { $file } : le lot { $seq } de l'ordinateur { $device } a été écrit avec k = { $k } : des groupes de moins de 5 fiches peuvent y désigner des personnes, et les vues des analystes les montrent telles qu'elles sont arrivées (les fichiers à plat du siège appliquent k de nouveau). Demandez au coordinateur pourquoi, et gardez ses fiches parmi ceux qui peuvent les voir
cli-hq-not-yet = note : ordinateur { $laptop } : { $n ->
    [one] lot
   *[other] lots
} { $list } pas encore importé(s)
export-report-no-quasi = Aucune question n'est marquée quasi-identifiante : pas de contrôle de k-anonymat.
export-report-unprotected-repeat = Non couvert, part tel quel (un quasi-identifiant dans une répétition) : { $list }. Posez-le hors de la répétition, ou marquez-le personnel.
export-report-unprotected-copy = Non couvert, part tel quel (calculé à partir d'un quasi-identifiant, ou choisi dans sa liste) : { $list }. Marquez-le quasi_identifier ou personal dans le formulaire (privacy none : il ne dit rien de qui a répondu).
export-report-k-reached = k-anonymat : chaque combinaison de { $list } est partagée par au moins { $reached ->
    [one] une fiche
   *[other] { $reached } fiches
} (demandé : { $k }).
export-report-k-short = k-anonymat NON atteint : { $k } demandé, et avec toutes les réponses masquées le plus petit groupe a { $reached } fiches ({ $n } fiches en tout). Exportez plus de fiches à la fois, ou baissez k.
export-report-l = l-diversité sur { $list } : au moins { $reached } réponses distinctes dans chaque groupe (demandé : { $l }).
export-report-nothing-coarsened = Généralisé : rien (chaque réponse telle quelle).
export-report-arrived = Déjà généralisés avant cette étape (envoyés ainsi par un ordinateur, ou coupés par le réglage des heures), et comptés comme perdus : { $list }.
export-report-coarsened = Généralisé : { $list }.
export-report-nothing-hidden = Masqué : rien.
export-report-hidden = Masqué (*) : { $list } ({ $all ->
    [0] aucune fiche n'a tous ses quasi-identifiants masqués
    [one] une fiche a tous ses quasi-identifiants masqués
   *[other] { $all } fiches ont tous leurs quasi-identifiants masqués
}).
export-report-loss = Information perdue : { $percent } % (une réponse masquée compte entière, une réponse généralisée selon le degré de généralisation).
export-report-preview-short = Rien ne part tant que ce n'est pas atteint ; les premières fiches ressembleraient à ceci :
export-report-preview = Les premières fiches telles qu'elles partiront :
export-report-groups = { $n ->
    [one] Un groupe
   *[other] { $n } groupes
} de { $list } (fiches - réponses) :

## Réglages
settings-reopen-minutes = Minutes pendant lesquelles un enquêteur peut rouvrir un entretien qu'il a clos
settings-reopen-hint = 0 : jusqu'à ce que l'enquêteur commence l'entretien suivant. Ensuite, les réponses d'un entretien refusé ou non éligible sont effacées pour de bon.
settings-k = Plus petit groupe à l'export (k)
settings-k-apply = Appliquer ce k
settings-k-hint = Chaque lot et chaque fichier plat part avec chaque combinaison de quasi-identifiants (lieu, âge, sexe, nationalité...) partagée par au moins ce nombre de fiches : les réponses sont généralisées, puis masquées, jusqu'à ce que ce soit vrai. Voir docs/disclosure.md.
settings-apply = Appliquer
settings-saved = Enregistré.
settings-saving = Enregistrement...
settings-changing-passphrase = Scellement des clés avec la nouvelle phrase secrète (cela prend un moment, à dessein)...
settings-own-passphrase = Votre phrase secrète
settings-new-passphrase = Nouvelle phrase secrète
settings-new-passphrase-again = Nouvelle phrase secrète, encore
settings-change-own = Changer ma phrase secrète
settings-title = Comptes et réglages
settings-text-size = Taille du texte
settings-lock-minutes = Verrouiller après ces minutes sans utilisation
settings-not-saved = Le réglage n'a pas pu être enregistré ({ $detail }) ; il s'applique jusqu'à la fermeture de fourmi.
settings-accounts = Comptes
settings-disabled = désactivé
settings-reset = Nouvelle phrase secrète
settings-disable = Désactiver
settings-disable-confirm = Désactiver { $name } ? Le compte ne pourra plus déverrouiller cet ordinateur ; ses fiches restent. C'est définitif : il faudrait un nouveau compte.
settings-disable-yes = Désactiver { $name }
settings-account-disabled = Le compte { $name } est désactivé.
settings-add-title = Ajouter un compte
settings-reset-title = Nouvelle phrase secrète pour { $name }
settings-account-name = Nom du compte
settings-role = Rôle
settings-add-button = Ajouter le compte
settings-reset-button = Définir la phrase secrète
settings-cancel = Annuler
settings-account-added = Le compte { $name } a été ajouté.
settings-passphrase-set = La phrase secrète de { $name } a été changée.
settings-recipients = Clés publiques du siège (destinataires age)
settings-remove = Retirer
settings-new-recipient = Nouvelle clé
settings-add-recipient = Ajouter la clé
settings-recipient-added = La clé a été ajoutée.
settings-recipient-removed = La clé a été retirée.
settings-device = Cet ordinateur
settings-device-hint = Envoyez cette ligne au siège pour qu'il puisse vérifier les lots que cet ordinateur signe.

## Erreurs
err-account-exists = Un compte nommé { $name } existe déjà. Choisissez un autre nom.
err-not-a-recipient = { $recipient } n'est pas une clé du siège : une clé publique age commence par age1 (age-keygen l'affiche après « # public key: »). Copiez-la de nouveau.
err-secret-key-pasted = Ceci est une clé secrète age (AGE-SECRET-KEY-…) : elle doit rester au siège et ne jamais être saisie sur un ordinateur de terrain. Rien n'a été enregistré. Collez plutôt la clé publique, la ligne qui commence par age1.
err-not-a-folder = { $dir } est un fichier, pas un dossier : choisissez le dossier où écrire (une clé USB, un dossier partagé).
err-hq-missing = Il n'y a pas de base du siège dans { $dir } : créez-la avec `fourmi hq init --data-dir { $dir } --identity FICHIER`.
err-hq-exists = Une base du siège existe déjà dans { $place } : importez-y, ou choisissez un autre dossier ou une autre base.
err-pg-plaintext = La base { $address } est sur un autre ordinateur : fourmi n'y envoie les fiches que chiffrées (TLS), et `sslmode=disable` l'empêche. Retirez `sslmode=disable` de l'adresse et activez ssl sur le serveur, ou passez par un tunnel SSH (host=localhost).
err-pg-no-tls = Le serveur PostgreSQL { $address } ne propose pas TLS, et fourmi n'envoie les fiches à un autre ordinateur que chiffrées : rien n'a été envoyé. Activez ssl dans le postgresql.conf du serveur (avec un certificat), ou passez par un tunnel SSH (host=localhost).
err-pg-roots-file = Le fichier de certificats racine { $file } est inutilisable ({ $why }) : mettez-y les certificats PEM des autorités qui signent les certificats de vos serveurs PostgreSQL, ou supprimez-le.
err-pg-certificate = Le serveur PostgreSQL { $address } a présenté un certificat signé par aucune autorité que cet ordinateur reconnaît : rien n'a été envoyé. Si le serveur est le vôtre, mettez le certificat de l'autorité qui a signé le sien (ou le sien, s'il l'a signé lui-même) dans { $file } et réessayez ; si vous ne vous y attendiez pas, quelqu'un se trouve peut-être entre vous et le serveur.
err-pg-cert-name = Le serveur PostgreSQL { $address } a présenté un certificat établi pour un autre nom : rien n'a été envoyé. Écrivez dans l'adresse le nom du serveur tel que son certificat le donne (pas son adresse IP, sauf si le certificat la nomme), ou donnez au serveur un certificat pour ce nom ; si vous ne vous y attendiez pas, quelqu'un se trouve peut-être entre vous et le serveur.
err-pg-cert-dates = Le serveur PostgreSQL { $address } a présenté un certificat expiré ou pas encore valide : rien n'a été envoyé. Renouvelez le certificat du serveur, et vérifiez la date et l'heure de cet ordinateur.
err-pg-roots-missing = PGSSLROOTCERT désigne le fichier de certificats racine { $file }, qui n'existe pas : corrigez PGSSLROOTCERT, ou retirez-la pour utiliser les autorités du système.
err-pg-address = L'adresse de la base est inutilisable : fourmi ne comprend pas son `{ $option }` (une option inconnue, ou une valeur illisible). Écrivez postgres://UTILISATEUR:MOT_DE_PASSE@HÔTE:PORT/BASE, ou host=HÔTE port=PORT user=UTILISATEUR dbname=BASE.
err-pg-address-form = L'adresse de la base est illisible : écrivez postgres://UTILISATEUR:MOT_DE_PASSE@HÔTE:PORT/BASE, ou host=HÔTE port=PORT user=UTILISATEUR dbname=BASE.
err-pg-connect = Impossible de se connecter à PostgreSQL sur { $address } ({ $why }) : vérifiez que le serveur fonctionne et est joignable, l'adresse, le compte et son mot de passe, puis réessayez.
cli-passphrase-unreadable = Impossible de lire le fichier de phrase secrète { $source } ({ $detail }).
cli-passphrase-unreadable-stdin = Impossible de lire la phrase secrète sur l'entrée standard ({ $detail }).
err-folder-missing = Le dossier { $dir } n'existe pas. La clé USB est-elle branchée ? Choisissez de nouveau le dossier.
err-batch-file-exists = { $file } existe déjà : les données de cet ordinateur ont-elles été restaurées depuis une sauvegarde ? Déplacez ce fichier et exportez de nouveau.
err-batch-not-a-batch = Ce fichier n'est pas un lot fourmi ({ $detail }).
err-batch-damaged = Le lot est abîmé ({ $detail }) ; rien n'en a été importé : demandez-le à nouveau (l'ordinateur peut le réexporter).
err-batch-unknown-device = Le lot vient d'un ordinateur qui n'est pas enregistré ici (appareil { $detail }) ; rien n'a été importé : enregistrez-le avec `fourmi hq devices add` et la ligne qu'affiche `fourmi device pubkey` sur cet ordinateur.
err-batch-bad-signature = La signature du lot ne correspond pas à l'ordinateur { $detail } : il a été modifié après son écriture, ou falsifié ; rien n'a été importé.
err-batch-not-for-us = Le lot n'a pas été chiffré pour l'identité de ce siège ({ $detail }) ; rien n'a été importé : ajoutez ce destinataire sur l'ordinateur et exportez à nouveau.
err-batch-out-of-sequence = Le lot { $seq } de l'ordinateur { $device } a déjà été importé depuis un autre fichier ; rien n'a été importé : un ordinateur n'écrit jamais deux lots sous un même numéro, celui-ci a donc été restauré d'une sauvegarde ou falsifié.
err-batch-unapproved = Les approbations du lot ne se vérifient pas ({ $detail }) ; rien n'a été importé : le coordinateur de l'ordinateur exporte à nouveau avec cette version de fourmi, et prévient le siège si cela se reproduit.
err-batch-invalid = Le lot contient des données qui ne correspondent pas à son questionnaire ({ $detail }) ; rien n'a été importé.
err-batch-identity = Impossible d'utiliser le fichier d'identité { $detail }.
err-batch-io = { $detail }
err-flat-no-form-hq = Il n'y a ici aucune fiche d'un questionnaire { $form } (questionnaires : { $known }). Vérifiez l'identifiant du formulaire.
err-flat-no-form-laptop = Il n'y a sur cet ordinateur aucune fiche approuvée d'un questionnaire { $form } (questionnaires qui ont des fiches ici : { $known }) : approuvez d'abord des fiches, ou vérifiez l'identifiant du formulaire.
err-release-differs = Des fichiers à plat de { $form } ont été écrits le { $at } avec k { $k }, l { $l } et { $coarsen ->
        [none] les heures exactes
        [day] les heures ramenées au jour
        [month] les heures ramenées au mois
       *[other] des réglages inconnus
    }. Des fichiers anonymisés autrement peuvent être posés à côté, et ce que l'un a caché, l'autre peut le montrer. Écrivez avec les mêmes réglages ; seulement si ces fichiers n'ont été remis à personne, écrivez une nouvelle diffusion.
err-labels-language = Le questionnaire { $form } n'a pas de langue { $lang } dans laquelle étiqueter les choix (ses langues : { $known }). Donnez-en une, telle qu'écrite ou par son code (fr).
label-change-language = elle ajoute la ou les langues { $list }, dont aucune version plus ancienne n'a les étiquettes
label-change-question = la question `{ $question }` était « { $was } » et est maintenant « { $is } »
label-change-choice = le choix `{ $choice }` de `{ $question }` était « { $was } » et est maintenant « { $is } »
warn-form-relabels = attention : toutes les fiches de { $form } sont étiquetées avec sa version la plus récente `{ $new }` ({ $newhash }, envoyée par { $newfrom }), qui étiquette autrement que la version `{ $old }` ({ $oldhash }, envoyée par { $oldfrom }) : { $changes } ; vérifiez que la version la plus récente est bien une que le siège a distribuée
err-table-no-records = Il n'y a encore ici aucune fiche terminée du questionnaire { $form }.
err-table-unknown = Le questionnaire n'a pas de question { $question }.
err-table-not-select = { $question } n'est pas une question à choix : les tableaux comptent les choix des questions select_one et select_multiple.
err-table-scope = { $by } ne peut pas ventiler { $question } : elle doit être au premier niveau du questionnaire ou dans la même répétition.
err-table-filter = Le filtre { $filter } n'est pas une expression valable : { $detail }
form-finding = { $detail }
err-form-id-twice = { $file } : le form_id { $id } est aussi celui d'un autre questionnaire ; le premier est gardé. Donnez à chaque questionnaire son propre form_id.
err-autosave-thread = Les réponses ne peuvent pas être enregistrées à mesure de la saisie ({ $detail }). Fermez l'entretien (il est alors enregistré) et rouvrez-le.
err-no-window = La fenêtre n'a pas pu s'ouvrir ({ $detail }). fourmi a besoin d'une session de bureau (X11 ou Wayland, avec OpenGL). Les commandes marchent sans : fourmi --help
hint-iso-date = AAAA-MM-JJ
err-k-unreachable = Les fiches de { $form } ne peuvent pas atteindre k = { $k } : il y en a { $n }, et même avec tous les quasi-identifiants masqués le plus petit groupe en a { $reached }. Rien n'a été écrit. Réessayez quand il y aura plus de fiches (plus d'entretiens approuvés, ou plus de lots importés au siège), ou baissez k.
err-l-unreachable = Les fiches de { $form } ne peuvent pas atteindre l = { $l } : même avec tous les quasi-identifiants masqués, un groupe n'a que { $reached } réponses distinctes à { $list }, ou une réponse que toutes ses fiches ont donnée (k = { $k } est atteint). Rien n'a été écrit. Baissez l, ou réessayez quand il y aura plus de fiches.
err-no-recipients = Il n'y a aucune clé du siège pour chiffrer le lot. Ajoutez-en une dans les réglages, puis exportez.
err-already-open = Les données de { $dir } sont déjà ouvertes dans une autre fenêtre ou commande fourmi. Fermez-la et réessayez.
err-not-set-up = Il n'y a pas encore de données fourmi dans { $dir }. Lancez la première configuration.
err-already-set-up = fourmi est déjà configuré dans { $dir }. Déverrouillez-le avec un compte.
err-wrong-passphrase = Le nom du compte ou la phrase secrète est faux. Vérifiez les deux et réessayez.
err-key-replaced = La clé de ce compte n'ouvre plus les données : la clé des données de l'ordinateur a été remplacée (quand une phrase secrète a été réinitialisée ou un compte désactivé) avant que ce compte se soit déverrouillé avec cette version de fourmi. Demandez à un coordinateur de réinitialiser la phrase secrète de ce compte.
err-weak-passphrase = Une phrase secrète demande au moins { $n } caractères ; quelques mots font une bonne phrase.
forbid-device-key = Votre compte ne peut pas utiliser la clé de signature de cet ordinateur : seul un coordinateur le peut.
forbid-no-device-key = Ce compte de coordinateur ne peut pas encore signer de lots : il ne détient pas la clé de l'ordinateur. Un autre coordinateur peut réinitialiser sa phrase secrète pour la lui donner.
forbid-accounts = Votre compte ne peut pas gérer les comptes : seul un coordinateur le peut.
forbid-accounts-before-unlock = Les comptes ne peuvent pas être gérés avant qu'un coordinateur ait déverrouillé cet ordinateur une fois.
forbid-reset = Votre compte ne peut pas réinitialiser la phrase secrète d'un autre compte : seul un coordinateur le peut.
forbid-recipients = Votre compte ne peut pas changer les clés du siège : seul un coordinateur le peut.
forbid-edit-other = Cette fiche appartient à un autre enquêteur : seul son enquêteur peut la modifier.
forbid-reopen-other = Cet entretien appartient à un autre enquêteur : seul son enquêteur peut le rouvrir.
forbid-approve = Votre compte ne peut pas approuver de fiches : seul un superviseur ou un coordinateur le peut.
forbid-return = Votre compte ne peut pas renvoyer de fiches : seul un superviseur ou un coordinateur le peut.
forbid-withdraw = Votre compte ne peut pas effacer les réponses d'une fiche : seul un superviseur ou un coordinateur le peut.
forbid-export = Votre compte ne peut pas exporter de fiches : seul un coordinateur le peut.
forbid-settings = Votre compte ne peut pas changer ce réglage : seul un coordinateur le peut.
forbid-no-own-key = Ce compte ne peut pas encore signer : il n'a pas de clé à lui. Verrouillez, puis déverrouillez encore une fois.
forbid-rekey-before-unlock = La clé des données ne peut pas encore être remplacée : verrouillez, puis déverrouillez encore une fois, pour que la liste des comptes contienne votre propre clé.
err-no-account = Il n'y a pas de compte nommé { $what }. Vérifiez le nom.
err-no-recipient = { $what } ne fait pas partie des clés du siège.
err-no-record = Cette fiche est introuvable (elle a peut-être été effacée). { $what }
err-no-form-version = Le questionnaire avec lequel cette fiche a été faite est introuvable ({ $what }). Demandez à votre coordinateur.
err-reexport-changed = Le lot { $seq } ne peut pas être réécrit : { $n ->
    [one] une de ses fiches a été retirée, rouverte ou renvoyée modifiée
   *[other] { $n } de ses fiches ont été retirées, rouvertes ou renvoyées modifiées
} depuis. Ses autres fiches seraient anonymisées de nouveau sans elles et pourraient partir masquées autrement que la première fois : les deux fichiers ensemble déferaient la protection. Si le siège a importé le lot { $seq }, rien ne manque : ce qui a changé part dans le prochain lot. Si son fichier est perdu, dites au siège de quel lot il s'agit.
err-no-written-batch = Il n'y a pas de lot écrit numéro { $what } à réécrire. Vérifiez le numéro dans la liste des lots.
err-no-batch-being-written = Le lot numéro { $what } n'est plus en cours d'écriture. Vérifiez la liste des lots.
err-disable-self = Vous ne pouvez pas désactiver le compte que vous utilisez.
err-account-name = { $name } ne peut pas être un nom de compte : utilisez de 2 à 40 lettres minuscules a-z, chiffres, « . », « _ » ou « - ».
err-not-finalised = L'entretien n'est pas encore terminé : des réponses manquent ou ne sont pas valables.
err-return-needs-comment = Dites ce qu'il faut corriger : une fiche renvoyée a besoin d'un commentaire.
err-not-reopenable = Cet entretien ne peut plus être rouvert : ses réponses ont été effacées quand l'entretien suivant a commencé.
err-transition = Une fiche « { $from } » ne peut pas devenir « { $to } ».
err-invalid = { $detail }
err-disk-full = Le disque est plein : cette modification n'a pas été enregistrée (tout ce qui l'a été avant est intact). Libérez de la place et réessayez.
err-read-only = Le dossier des données ne peut pas être écrit : cette modification n'a pas été enregistrée ; tout ce qui l'a été avant est intact.
err-disk-io = L'écriture sur le disque a échoué (code { $code }) : cette modification n'a pas été enregistrée ; tout ce qui l'a été avant est intact. Vérifiez le disque.
err-newer = Ces données ont été écrites par une version plus récente de fourmi (schéma { $version }). Installez cette version pour les ouvrir.
err-keyring-missing = { $dir } contient des données fourmi (fourmi.db) mais son fichier keyring.json manque, et les données ne peuvent pas être ouvertes sans lui. Rien n'a été modifié. Recopiez keyring.json dans ce dossier depuis une sauvegarde ; la configuration n'écrasera pas les données.
err-database-missing = { $dir } contient le fichier keyring.json de fourmi mais sa base fourmi.db manque ou est vide. Rien n'a été modifié. Recopiez fourmi.db (avec fourmi.db-wal s'il existe) dans ce dossier depuis une sauvegarde ; la configuration n'écrasera pas le trousseau.
folder-incomplete-title = Une partie des données fourmi de cet ordinateur manque
err-guessable-passphrase = Cette phrase secrète est trop facile à deviner : { $why }. Prenez quatre mots ou plus qui ne vont pas ensemble.
pass-why-keyboard = les suites de touches du clavier se devinent facilement
pass-why-repeats = les lettres ou les mots répétés se devinent facilement
pass-why-common = c'est l'une des phrases secrètes les plus courantes
pass-why-sequence = les suites comme abc ou 123 se devinent facilement
pass-why-dates = les années et les dates se devinent facilement
pass-why-word = un mot seul se devine facilement
pass-why-names = les noms se devinent facilement
pass-why-short = elle est trop courte ou trop simple
err-too-many-tries = Trop de phrases secrètes erronées d'affilée pour ce compte. Attendez { $seconds ->
    [one] une seconde
   *[other] { $seconds } secondes
} avant le prochain essai.
err-corrupt = Les données sont endommagées : { $detail }. N'effacez rien ; prévenez votre coordinateur.
err-io = Impossible d'utiliser { $path } : { $detail }
err-db = Erreur de base de données : { $detail }

## Tables
tables-title = Tableaux
tables-intro = Effectifs et parts des réponses à une question dans les entretiens terminés sur cet ordinateur, avec le dénominateur à côté de chaque pourcentage, comme 4Mi les publie.
tables-none = (aucune)
tables-no-records = Aucun entretien terminé pour l'instant.
tables-question = Question
tables-by = Ventilé par
tables-where = Seulement si
tables-show = Afficher le tableau
tables-chart = Part de l'ensemble (%)
tables-find = tapez pour trouver une question
tables-all = Ensemble
tables-base = Base
tables-base-mentions = Base (mentions)
tables-respondents = personnes interrogées
tables-instances = déclarations `{ $repeat }`
tables-caption-single = Part des { $units } ayant répondu
tables-caption-units = Choix multiples : part des { $units } ayant répondu qui citent chaque option
tables-caption-mentions = Choix multiples : part de toutes les mentions (chaque choix fait)

## Headquarters' screens
hq-title = Siège
hq-tab-import = Importer des lots
hq-tab-laptops = Ordinateurs
hq-tab-tables = Tableaux
hq-tab-files = Fichiers à plat
hq-files-intro = Toutes les fiches d'un formulaire, anonymisées ensemble comme un lot (horodatages arrondis, texte libre nettoyé, quasi-identifiants regroupés puis masqués jusqu'à ce que chaque groupe compte au moins k fiches), écrites en fichiers pour R, Stata, Python ou Excel avec un dictionnaire des variables.
hq-files-no-forms = Aucune fiche pour l'instant : importez d'abord des lots.
hq-files-form = Formulaire
hq-files-check = Préparer les fichiers
hq-files-use-earlier = Reprendre les réglages des derniers fichiers
hq-files-new-release = Les derniers fichiers n'ont été remis à personne : écrire ceux-ci comme une nouvelle diffusion
hq-files-write = Écrire les fichiers
hq-files-writing = Écriture des fichiers...
hq-files-report = Avant d'écrire : ce que contiendront les fichiers
hq-files-format = Fichiers
hq-files-format-csv = CSV, un dictionnaire et un do-file Stata
hq-files-format-xlsx = Un classeur Excel
hq-files-format-parquet = Parquet (colonnes typées) et un dictionnaire
hq-files-values = Choix écrits par
hq-files-values-names = leurs noms (codes)
hq-files-values-labels = leurs libellés en { $lang }
hq-files-excel-fr = Pour Excel en français (points-virgules, accents conservés)
hq-files-written = { $n ->
    [one] { $n } fiche écrite :
   *[other] { $n } fiches écrites :
}
hq-files-unplaced = { $n } réponses à des questions que la dernière version du formulaire n'a plus ne sont pas dans les fichiers.
hq-files-failed = Les fichiers n'ont pas pu être écrits : { $detail }
hq-import-intro = Choisissez les fichiers de lot envoyés par les coordinateurs (ou déposez-les sur cette fenêtre). Chacun est vérifié (la signature de l'ordinateur, les approbations, chaque réponse selon son formulaire) et importé en entier ou pas du tout ; l'importer de nouveau ne change rien.
hq-import-button = Choisir des fichiers de lot…
hq-import-typed = ou son chemin
hq-import-go = Importer
hq-pick-title = Fichiers de lot à importer
hq-drop-here = Déposez les fichiers ici pour les importer.
hq-importing = Import de { $i } sur { $n } : { $file }
hq-waiting = Un autre import (ou une autre modification des données du siège) est en cours : celui-ci commencera à sa fin.
hq-imported = { $file } : lot { $seq } : { $imported } nouvelle(s), { $updated } mise(s) à jour, { $unchanged } inchangée(s), { $deleted } retirée(s)
hq-shared-ids = { $n ->
    [one] Une fiche porte l'identifiant d'une fiche d'un autre ordinateur : les deux sont gardées. Deux ordinateurs ne créent jamais le même identifiant : l'un est malveillant, ou a été installé depuis une copie de l'autre.
   *[other] { $n } fiches portent l'identifiant d'une fiche d'un autre ordinateur : les deux sont gardées. Deux ordinateurs ne créent jamais le même identifiant : l'un est malveillant, ou a été installé depuis une copie de l'autre.
}
hq-rolled-back = Le lot { $seq } de cet ordinateur, importé avant, portait une liste de comptes plus ancienne que celui-ci : les fichiers de l'ordinateur ont été remis dans un état antérieur, ce qui peut faire revenir un compte désactivé. Vérifiez les fiches du lot { $seq }, et l'ordinateur.
hq-views-failed = Les lots ont été importés, mais certaines vues des analystes n'ont pas pu être faites : { $detail }
hq-register-title = Enregistrer un ordinateur
hq-register-hint = Collez la ligne que l'ordinateur affiche dans Comptes et réglages, sous « Cet ordinateur » (ou que `fourmi device pubkey` y affiche). Un ordinateur enregistré à nouveau avec un nom est renommé.
hq-register-line = La ligne de l'ordinateur
hq-register-name = Son nom
hq-register-button = Enregistrer l'ordinateur
hq-registered = Ordinateur { $id } enregistré : ses lots peuvent être importés.
hq-no-laptops = Aucun ordinateur n'est encore enregistré : enregistrez chacun ci-dessus avec la ligne qu'il affiche (ou avec `fourmi hq devices add`).
hq-laptop-name = Ordinateur
hq-laptop-batches = Lots importés
hq-laptop-last = Dernier numéro
hq-laptop-missing = Numéros manquants
hq-none-missing = aucun
tables-intro-hq = Effectifs et parts des réponses à une question sur toutes les fiches importées au siège, avec le dénominateur à côté de chaque pourcentage, comme 4Mi les publie.
err-form-unreadable = Impossible de lire le questionnaire { $file } : { $detail }
err-form-format = { $file } : fourmi lit les questionnaires en fichiers .toml, .xlsx, .xls, .xlsm, .ods ou .md.
err-form-syntax = { $place } : ce fichier ne peut pas être lu comme un questionnaire : { $detail }
cli-need-new-passphrase = Donnez la nouvelle phrase secrète du coordinateur avec --passphrase-file FICHIER (ou - pour l'entrée standard).
cli-not-a-role = { $role } n'est pas un rôle : choisissez monitor, supervisor ou coordinator.
cli-audit-broken = Le journal d'audit est rompu à la ligne { $row } : { $reason }
cli-bad-coarsen = --coarsen vaut none, day ou month, pas { $value }.
cli-nothing-to-export = Il n'y a rien à exporter : aucun enregistrement approuvé, avec consentement, qu'un lot précédent n'ait déjà emporté.
cli-need-to = Dites où écrire le lot : --to DOSSIER (ou --check pour ne voir que le rapport).
cli-demo-need-dir = Dites où mettre les données de démonstration : --data-dir DOSSIER (un nouveau dossier ; vos données ne sont pas touchées).
err-days-reversed = Du { $since } au { $until }, il n'y a aucun jour : le premier jour vient après le dernier. Inversez-les.
err-not-a-day = { $value } n'est pas une date : écrivez-la année-mois-jour, par exemple 2026-03-31.
cli-release-new-hint = En ligne de commande : --new-release.
release-earlier = Derniers fichiers à plat de { $form } : { $at }, { $records } fiches, k { $k }, l { $l }, { $coarsen ->
        [none] heures exactes
        [day] heures ramenées au jour
        [month] heures ramenées au mois
       *[other] réglages inconnus
    } ({ $count ->
        [one] seule diffusion
       *[other] { $count } diffusions en tout
    }) ; ces fichiers-ci sont faits avec { $same ->
        [yes] les mêmes réglages.
       *[no] d'autres réglages.
    }
cli-parse-invalid-value = { $value } n'est pas une valeur que prend { $arg }{ $valid ->
        [none] .
       *[other] {" "}: elle prend { $valid }.
    }
cli-parse-unknown-option = Cette commande n'a pas d'option { $arg }{ $hint ->
        [none] .
       *[other] {" "}; vouliez-vous dire { $hint } ?
    }
cli-parse-unknown-command = Il n'y a pas de commande { $arg }{ $hint ->
        [none] .
       *[other] {" "}; vouliez-vous dire { $hint } ?
    }
cli-parse-missing = Cette commande a besoin de { $arg }.
cli-parse-values = { $arg } a reçu trop ou trop peu de valeurs.
cli-parse-conflict = { $arg } ne peut pas être donné avec { $with }.
cli-parse-missing-command = Dites quelle commande lancer.
cli-parse-help = Ce que prend chaque commande : fourmi --help, fourmi COMMANDE --help (en anglais).
cli-export-no-form = Cet ordinateur n'a aucune fiche d'un questionnaire { $form } (ses questionnaires : { $known }). Vérifiez l'identifiant du formulaire.
cli-need-user = Dites avec quel compte déverrouiller : --user NOM.
cli-need-passphrase = Donnez la phrase secrète avec --passphrase-file FICHIER (ou - pour l'entrée standard).
cli-confirm-files = Écrire ces fichiers ? [o/N]
cli-confirm-files-needs-yes = Les fichiers sont écrits une fois confirmés, et il n'y a pas de terminal où le demander (une réponse envoyée par un tube n'en tient pas lieu) : ajoutez --yes pour écrire sans qu'on vous le demande.
cli-files-not-written = Rien n'a été écrit : répondez o pour écrire les fichiers, ou ajoutez --yes.
