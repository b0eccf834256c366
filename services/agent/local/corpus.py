# ruff: noqa: E501  (one fragment a line reads better than wrapped strings)
"""Hand-written fragments of player-support messages, the raw material of the dataset.

``CORE[(language, category)]`` holds one line per issue statement, prefixed with
its base urgency (``l``/``m``/``h``/``c``); ``DETAIL`` lines add context without
changing the label; ``ASIDE`` lines are short mentions of a second issue (the
label stays the main issue). ``{slot}`` markers are filled by the generator.
Urgency rule of thumb: ``c`` = security, fraud, safety, or everyone affected;
``h`` = money lost, account or progress lost, cannot play; ``m`` = degraded or
blocked on something specific; ``l`` = questions, cosmetics, suggestions.
"""

from __future__ import annotations

CORE: dict[tuple[str, str], str] = {}
DETAIL: dict[tuple[str, str], str] = {}
ASIDE: dict[tuple[str, str], str] = {}

# ---------------------------------------------------------------- billing
CORE["en", "billing"] = """
h|I was charged twice for the {item}, {amount} taken two times from my card
h|bought the {item} for {amount} but it never showed up in my account
h|I paid {amount} for {gems} and got nothing, the money is gone from my bank
m|how do I get a refund for the {item}? I bought it by accident
m|I cancelled my {item} last month but I'm still being billed {amount}
c|there are purchases on my account I never made, {amount} and {amount2}, someone is using my card
h|my kid bought {gems} without permission, {amount} on my credit card
m|the store showed {amount} but my bank charged me more than that
h|payment went through ({order}) but the game says purchase failed
l|can I get an invoice for my purchase {order}? need it for taxes
m|the gift card code I bought doesn't work, it says already redeemed
h|double charge!!! {order} appears twice on my statement, {amount} each
m|why is the {item} more expensive in my country than in the US
h|got charged {amount} for a renewal I turned off, please cancel and fix this
l|what payment methods do you accept? my card keeps getting declined
m|transaction {order} is pending for 3 days and I still don't have the {item}
h|bought {gems} twice by mistake because the button lagged, charged {amount} two times
c|I see 6 charges of {amount} today that I didn't authorize, my card is being drained
m|the promo said 50% off but I was charged the full price {amount}
h|paid {amount} through {platform} store, receipt {order}, no gems received
h|you took my money twice for one purchase, {amount} x2 on my bank app
h|{order} was billed two times, I only clicked buy once
h|I purchased {gems} ({amount}) and the gems never arrived
m|I'd like my money back for the {item}, it's not what the description said
m|requesting a refund for an accidental purchase of {gems}
c|my card was used to buy {gems} five times tonight and it wasn't me, {amount} each
c|fraudulent charges on my account!! {amount} {order}, I didn't buy anything
h|subscription renewed even though I cancelled it, charged {amount} again
m|how do I cancel the {item} auto renewal? can't find it in settings
h|money left my account but the store says the order {order} doesn't exist
l|do you offer student discounts or regional pricing?
m|the {item} price changed right after I bought it, can I get the difference back?
h|charged {amount} for the {item} but my inventory is empty
m|my payment keeps failing with code {code} when I try to buy gems
l|is the {item} a one time purchase or monthly?
h|paid for the {item} on {platform}, it says "already owned" but I can't use it
m|I was charged in USD instead of my local currency, bank added fees
h|bought {gems} for {amount}, got logged out, gems gone and money gone
"""
DETAIL["en", "billing"] = """
I have the receipt and screenshots of the bank statement.
the transaction id from the store is {order}.
this happened {when}.
I already restarted the game and checked my inbox.
I contacted my bank and they told me to ask you first.
My username is {player}.
purchase was made on {platform}.
"""
ASIDE["en", "billing"] = """
also I got charged twice for something last week but whatever
btw my last purchase still hasn't arrived either
"""

CORE["de", "billing"] = """
h|mir wurden {amount} zweimal abgebucht für das {item}
h|ich habe das {item} gekauft ({amount}) aber nichts bekommen
m|wie bekomme ich eine Rückerstattung für das {item}? war ein Fehlkauf
m|ich habe mein {item} gekündigt und trotzdem wurden wieder {amount} abgebucht
c|auf meiner Kreditkarte sind Käufe von {amount} die ich nie gemacht habe, jemand nutzt meine Karte
h|mein Sohn hat ohne Erlaubnis {gems} gekauft, {amount} von meinem Konto
l|kann ich eine Rechnung für die Bestellung {order} bekommen?
h|Zahlung ist durch (Bestellnummer {order}) aber im Spiel steht Kauf fehlgeschlagen
m|der Gutscheincode funktioniert nicht, angeblich schon eingelöst
h|Doppelte Abbuchung! {order} ist zweimal auf meinem Kontoauszug, je {amount}
m|im Shop stand {amount} aber abgebucht wurde mehr
h|habe {amount} bezahlt, {gems} sind nie angekommen
h|ihr habt mir {amount} doppelt abgezogen, hab nur einmal gekauft
h|Bestellung {order} wurde zweimal berechnet
m|ich möchte mein Geld für das {item} zurück, war nicht wie beschrieben
c|jemand kauft mit meiner Karte ständig {gems}, je {amount}, das war ich nicht!
h|Abo verlängert obwohl gekündigt, wieder {amount} abgebucht
m|wie kündige ich die automatische Verlängerung vom {item}?
h|Geld ist weg aber der Kauf {order} ist nirgends zu sehen
l|gibt es Studentenrabatt oder regionale Preise?
m|Zahlung schlägt immer fehl mit Fehler {code} wenn ich Gems kaufen will
h|{amount} bezahlt und mein Inventar ist leer
c|unautorisierte Abbuchungen von {amount} und {amount2} auf meinem Konto, bitte sofort sperren
m|mir wurde in Dollar statt Euro berechnet, die Bank will Gebühren
"""
DETAIL["de", "billing"] = """
Kontoauszug und Screenshots habe ich.
Die Transaktionsnummer ist {order}.
Das war {when}.
Gekauft über {platform}.
Mein Spielername ist {player}.
"""
ASIDE["de", "billing"] = """
außerdem wurde mir letzte Woche was doppelt abgebucht
"""

CORE["fr", "billing"] = """
h|j'ai été débité deux fois pour le {item}, {amount} prélevés deux fois
h|j'ai acheté le {item} à {amount} mais je n'ai rien reçu sur mon compte
m|comment obtenir un remboursement pour le {item} ? achat par erreur
m|j'ai résilié mon {item} mais on me prélève encore {amount}
c|des achats de {amount} que je n'ai jamais faits apparaissent, quelqu'un utilise ma carte
h|mon fils a acheté des {gems} sans mon accord, {amount} sur ma carte bancaire
l|est-ce que je peux avoir une facture pour la commande {order} ?
h|le paiement est passé (commande {order}) mais le jeu dit achat échoué
m|la carte cadeau ne marche pas, code déjà utilisé paraît-il
h|double prélèvement ! {order} apparaît deux fois sur mon relevé, {amount} chacun
m|le prix affiché était {amount} mais la banque m'a débité plus
h|payé {amount} et toujours pas mes {gems}
h|vous m'avez prélevé {amount} deux fois pour un seul achat
h|la commande {order} a été facturée deux fois
m|je voudrais être remboursé pour le {item}, il ne correspond pas à la description
c|quelqu'un achète des {gems} avec ma carte, {amount} à chaque fois, ce n'est pas moi !
h|abonnement renouvelé alors que je l'avais annulé, encore {amount} prélevés
m|comment désactiver le renouvellement automatique du {item} ?
h|l'argent est parti mais la commande {order} n'existe pas dans le jeu
l|vous avez des réductions étudiantes ?
m|le paiement échoue toujours avec l'erreur {code} quand j'achète des gemmes
h|payé {amount} et mon inventaire est vide
c|prélèvements frauduleux de {amount} et {amount2} sur mon compte, bloquez tout svp
m|on m'a facturé en dollars au lieu d'euros, ma banque prend des frais
"""
DETAIL["fr", "billing"] = """
j'ai le reçu et une capture du relevé bancaire.
le numéro de transaction est {order}.
c'était {when}.
achat fait sur {platform}.
mon pseudo c'est {player}.
"""
ASIDE["fr", "billing"] = """
au passage j'ai aussi été débité deux fois la semaine dernière
"""

CORE["es", "billing"] = """
h|me cobraron dos veces el {item}, {amount} dos veces en mi tarjeta
h|compré el {item} por {amount} y no me llegó nada a la cuenta
m|cómo pido un reembolso del {item}? lo compré sin querer
m|cancelé mi {item} pero me siguen cobrando {amount}
c|hay compras de {amount} que yo no hice, alguien está usando mi tarjeta
h|mi hijo compró {gems} sin permiso, {amount} en mi tarjeta de crédito
l|me pueden mandar una factura del pedido {order}?
h|el pago se hizo (pedido {order}) pero el juego dice compra fallida
m|la tarjeta regalo no funciona, dice que ya fue canjeada
h|cobro doble!! {order} aparece dos veces en el extracto, {amount} cada uno
m|en la tienda ponía {amount} pero el banco me cobró más
h|pagué {amount} y las {gems} nunca llegaron
h|me han cobrado {amount} dos veces y solo compré una vez
h|el pedido {order} me lo cobraron dos veces
m|quiero que me devuelvan el dinero del {item}, no es lo que decía la descripción
c|alguien está comprando {gems} con mi tarjeta, {amount} cada vez, no fui yo!
h|la suscripción se renovó aunque la cancelé, otra vez {amount}
m|cómo desactivo la renovación automática del {item}?
h|el dinero salió de mi cuenta pero el pedido {order} no aparece en el juego
l|tienen descuento para estudiantes?
m|el pago siempre falla con el error {code} cuando compro gemas
h|pagué {amount} y mi inventario está vacío
c|cargos fraudulentos de {amount} y {amount2} en mi cuenta, bloqueen todo por favor
m|me cobraron en dólares en vez de euros y el banco me cobra comisión
"""
DETAIL["es", "billing"] = """
tengo el recibo y capturas del banco.
el número de transacción es {order}.
pasó {when}.
lo compré en {platform}.
mi usuario es {player}.
"""
ASIDE["es", "billing"] = """
además la semana pasada también me cobraron doble algo
"""

CORE["pt", "billing"] = """
h|fui cobrado duas vezes pelo {item}, {amount} duas vezes no cartão
h|comprei o {item} por {amount} e não recebi nada na conta
m|como peço reembolso do {item}? comprei sem querer
m|cancelei minha {item} mas continuam cobrando {amount}
c|tem compras de {amount} que eu não fiz, alguém está usando meu cartão
h|meu filho comprou {gems} sem permissão, {amount} no meu cartão de crédito
l|vocês podem mandar a nota fiscal do pedido {order}?
h|o pagamento foi aprovado (pedido {order}) mas o jogo diz que a compra falhou
m|o gift card não funciona, diz que já foi resgatado
h|cobrança duplicada!! {order} aparece duas vezes na fatura, {amount} cada
m|na loja estava {amount} mas o banco cobrou mais
h|paguei {amount} e as {gems} nunca chegaram
h|vocês me cobraram {amount} duas vezes e eu só comprei uma
h|o pedido {order} foi cobrado duas vezes
m|quero meu dinheiro de volta do {item}, não era o que dizia a descrição
c|alguém está comprando {gems} com meu cartão, {amount} cada vez, não fui eu!
h|a assinatura renovou mesmo eu cancelando, de novo {amount}
m|como desativo a renovação automática do {item}?
h|o dinheiro saiu da conta mas o pedido {order} não aparece no jogo
l|vocês têm desconto pra estudante?
m|o pagamento sempre falha com o erro {code} quando compro gemas
h|paguei {amount} e meu inventário está vazio
c|cobranças fraudulentas de {amount} e {amount2} na minha conta, bloqueiem tudo por favor
m|fui cobrado em dólar em vez de real e o banco cobrou IOF
"""
DETAIL["pt", "billing"] = """
tenho o comprovante e print da fatura.
o número da transação é {order}.
foi {when}.
comprei pelo {platform}.
meu nick é {player}.
"""
ASIDE["pt", "billing"] = """
aliás semana passada também cobraram duas vezes outra compra
"""

# ---------------------------------------------------------------- account_access
CORE["en", "account_access"] = """
h|I can't log into my account, it says wrong password but I'm sure it's right
c|my account got hacked, someone changed the email to {email} and all my items are gone
m|I lost my phone and can't get the 2FA code anymore, how do I get back in
m|the verification email never arrives, checked spam too
h|my account was banned for no reason, I never cheated, please review it
m|how do I link my {platform} account to my old PC progress?
l|I want to delete my account and all my data
c|someone logged into my account from another country and is selling my skins
h|the login button just spins forever, I can't get into my account, started {when}
m|password reset link says expired every single time
h|I got logged out and now it asks me to create a new account, my lvl {num}0 progress is gone
l|can I change my username? the current one is embarrassing lol
m|I forgot which email I used to register, my username is {player}
c|I got an email that my password was changed but it wasn't me!! they're in my account right now
h|account suspended after I reported a bug, this must be a mistake
m|I can't unlink my old {platform} account to use a new one
h|says "account locked due to suspicious activity" and I can't unlock it
l|how do I turn on two-factor authentication?
m|my account is stuck on "verifying" after the migration
h|after the name change I can't log in anymore on {platform}
h|cant log in since {when}, keeps saying invalid credentials
c|hacker took over my account and changed my password, I have no access at all now
c|someone stole my account, they changed the recovery email to {email}
m|the 2FA app was on my old phone, now I'm locked out
m|I never get the password reset email, tried 5 times
h|I was permanently banned and I don't know why, I want to appeal
h|my account says "suspended" when I try to play, I did nothing wrong
m|I have two accounts and want to merge the progress into one
l|how do I change the email address on my account?
m|my {platform} account is linked to the wrong Starfall account, need to switch it
c|I got a login alert from Russia, then my skins were traded away, please lock my account
h|wrong password error even after resetting it three times
m|the game asks me to verify my age but the form doesn't load
l|can I have two accounts on the same {platform}?
h|logged in and my account is brand new, level 1, where is my stuff? I think it's a different account
m|I don't receive the SMS code to log in, my number is {phone}
l|please remove my phone number from my account
h|ban appeal: my account {player} was banned for cheating but I use no third party software
"""
DETAIL["en", "account_access"] = """
my account email is {email}.
I already tried resetting the password twice.
my player name is {player}.
I play on {platform}.
it started {when}.
my phone number on the account is {phone}.
"""
ASIDE["en", "account_access"] = """
also my login keeps failing randomly
and I still can't reset my password btw
"""

CORE["de", "account_access"] = """
h|ich kann mich nicht einloggen, angeblich falsches Passwort aber das stimmt
c|mein Account wurde gehackt, jemand hat die E-Mail auf {email} geändert und alle Items sind weg
m|Handy verloren und jetzt komme ich nicht mehr an den 2FA-Code
m|die Bestätigungsmail kommt nie an, Spam auch schon geprüft
h|mein Konto wurde ohne Grund gesperrt, ich habe nie gecheatet
m|wie verknüpfe ich meinen {platform} Account mit meinem alten Spielstand?
l|ich möchte mein Konto und alle meine Daten löschen
c|jemand hat sich aus dem Ausland in meinen Account eingeloggt und verkauft meine Skins
m|der Link zum Passwort zurücksetzen ist jedes Mal abgelaufen
h|Konto gesperrt wegen verdächtiger Aktivität und ich kann es nicht entsperren
l|kann ich meinen Benutzernamen ändern?
h|kann mich seit {when} nicht mehr anmelden, ungültige Zugangsdaten
c|Hacker hat meinen Account übernommen und das Passwort geändert
m|die Authenticator-App war auf dem alten Handy, jetzt bin ich ausgesperrt
m|die Mail zum Passwort zurücksetzen kommt einfach nicht
h|ich wurde permanent gebannt und weiß nicht warum, ich will Einspruch einlegen
m|ich habe zwei Accounts und möchte den Fortschritt zusammenlegen
l|wie ändere ich die E-Mail-Adresse meines Kontos?
c|Login-Warnung aus Russland und danach waren meine Skins weg, bitte Account sperren
h|falsches Passwort obwohl ich es dreimal zurückgesetzt habe
m|ich bekomme die SMS mit dem Code nicht, Nummer ist {phone}
h|Account suspendiert, ich habe nichts gemacht
"""
DETAIL["de", "account_access"] = """
meine Account-Mail ist {email}.
Passwort zurücksetzen habe ich schon zweimal probiert.
mein Spielername ist {player}.
ich spiele auf {platform}.
angefangen hat es {when}.
"""
ASIDE["de", "account_access"] = """
außerdem klappt der Login manchmal nicht
"""

CORE["fr", "account_access"] = """
h|je n'arrive plus à me connecter, mot de passe incorrect alors qu'il est bon
c|mon compte a été piraté, quelqu'un a changé l'adresse mail pour {email} et tous mes objets ont disparu
m|j'ai perdu mon téléphone et je ne reçois plus le code de double authentification
m|le mail de vérification n'arrive jamais, j'ai regardé dans les spams
h|mon compte a été banni sans raison, je n'ai jamais triché
m|comment lier mon compte {platform} à ma progression sur PC ?
l|je veux supprimer mon compte et toutes mes données
c|quelqu'un s'est connecté à mon compte depuis un autre pays et revend mes skins
m|le lien de réinitialisation du mot de passe est toujours expiré
h|compte verrouillé pour activité suspecte et impossible de le débloquer
l|est-ce que je peux changer mon pseudo ?
h|impossible de me connecter depuis hier, identifiants invalides
c|un hacker a pris mon compte et changé le mot de passe
m|l'application d'authentification était sur mon ancien téléphone, je suis bloqué dehors
m|le mail de réinitialisation du mot de passe n'arrive pas
h|j'ai été banni définitivement sans savoir pourquoi, je veux faire appel
m|j'ai deux comptes et je veux fusionner la progression
l|comment changer l'adresse mail de mon compte ?
c|alerte de connexion depuis la Russie puis mes skins ont disparu, bloquez mon compte svp
h|mot de passe incorrect même après l'avoir réinitialisé trois fois
m|je ne reçois pas le SMS avec le code, mon numéro est {phone}
h|compte suspendu alors que je n'ai rien fait
"""
DETAIL["fr", "account_access"] = """
l'adresse de mon compte est {email}.
j'ai déjà essayé de réinitialiser le mot de passe deux fois.
mon pseudo est {player}.
je joue sur {platform}.
ça a commencé {when}.
"""
ASIDE["fr", "account_access"] = """
et la connexion plante souvent aussi
"""

CORE["es", "account_access"] = """
h|no puedo entrar a mi cuenta, dice contraseña incorrecta pero está bien
c|me hackearon la cuenta, cambiaron el correo a {email} y me quitaron todos los objetos
m|perdí el móvil y ya no me llega el código de verificación en dos pasos
m|el correo de verificación nunca llega, ya miré en spam
h|me banearon la cuenta sin motivo, nunca hice trampa
m|cómo vinculo mi cuenta de {platform} con mi progreso de PC?
l|quiero borrar mi cuenta y todos mis datos
c|alguien entró en mi cuenta desde otro país y está vendiendo mis skins
m|el enlace para restablecer la contraseña siempre sale caducado
h|cuenta bloqueada por actividad sospechosa y no puedo desbloquearla
l|puedo cambiar mi nombre de usuario?
h|no puedo iniciar sesión desde ayer, credenciales inválidas
c|un hacker se quedó con mi cuenta y cambió la contraseña
m|la app de autenticación estaba en mi móvil viejo, ahora no puedo entrar
m|el correo para restablecer la contraseña no llega
h|me banearon permanentemente sin saber por qué, quiero apelar
m|tengo dos cuentas y quiero unir el progreso
l|cómo cambio el correo de mi cuenta?
c|me llegó un aviso de inicio de sesión desde Rusia y luego desaparecieron mis skins, bloqueen mi cuenta
h|contraseña incorrecta aunque la restablecí tres veces
m|no me llega el SMS con el código, mi número es {phone}
h|cuenta suspendida y no hice nada
"""
DETAIL["es", "account_access"] = """
el correo de la cuenta es {email}.
ya intenté restablecer la contraseña dos veces.
mi usuario es {player}.
juego en {platform}.
empezó {when}.
"""
ASIDE["es", "account_access"] = """
y encima el login falla cada dos por tres
"""

CORE["pt", "account_access"] = """
h|não consigo entrar na minha conta, diz senha incorreta mas está certa
c|minha conta foi hackeada, trocaram o email para {email} e levaram todos os meus itens
m|perdi o celular e não recebo mais o código de verificação em duas etapas
m|o email de verificação nunca chega, já olhei no spam
h|minha conta foi banida sem motivo, nunca usei hack
m|como vinculo minha conta do {platform} com meu progresso do PC?
l|quero excluir minha conta e todos os meus dados
c|alguém entrou na minha conta de outro país e está vendendo minhas skins
m|o link de redefinir senha sempre aparece expirado
h|conta bloqueada por atividade suspeita e não consigo desbloquear
l|dá pra mudar meu nome de usuário?
h|não consigo fazer login desde ontem, credenciais inválidas
c|um hacker pegou minha conta e mudou a senha
m|o app autenticador estava no celular antigo, agora não consigo entrar
m|o email pra redefinir a senha não chega
h|fui banido permanentemente sem saber por quê, quero recorrer
m|tenho duas contas e quero juntar o progresso
l|como mudo o email da minha conta?
c|recebi um alerta de login da Rússia e depois minhas skins sumiram, bloqueiem minha conta
h|senha incorreta mesmo depois de redefinir três vezes
m|não recebo o SMS com o código, meu número é {phone}
h|conta suspensa e eu não fiz nada
"""
DETAIL["pt", "account_access"] = """
o email da conta é {email}.
já tentei redefinir a senha duas vezes.
meu nick é {player}.
jogo no {platform}.
começou {when}.
"""
ASIDE["pt", "account_access"] = """
e o login também fica caindo
"""

# ---------------------------------------------------------------- bug_report
CORE["en", "bug_report"] = """
h|the game crashes on launch with error {code}
m|stuck on the loading screen at 99% every time I join {mode}
l|my character's cape clips through the armor, looks weird
h|I lost all my progress after the update, level and inventory reset
c|servers are down for everyone, nobody in my clan can connect, error {code}
h|can't connect to matchmaking, it says {code} after 30 seconds
m|FPS drops to like 10 in {mode} since the patch on {platform}
m|the daily quest "win 3 matches" doesn't complete even though I won 5
l|sound cuts out for a second sometimes in menus
h|my save file is corrupted, the game says {code} and won't load
m|controller stops responding after alt-tab on {platform}
h|game freezes and my {platform} restarts completely when the match ends
m|the shop page is blank, just a grey screen
l|typo in the German translation of the settings menu
c|everyone on the EU servers is getting disconnected mid match, {code}, whole community is affected
m|I fell through the map in {mode} and got stuck under the floor
h|I get kicked out of every {mode} match with {code}, can't play at all
m|rewards from the event didn't get added to my inventory
l|the leaderboard shows the wrong flag for my country
m|voice chat not working in {mode}, mic works everywhere else
h|game keeps crashing to desktop after the loading screen, {code}
h|crash every time I open the inventory on {platform}
m|textures not loading, everything is blurry in {mode}
m|the minimap disappeared after the latest patch
c|nobody can log in, login servers seem down, {code} for all my friends too
c|the whole game is down, error {code} on every platform, is there an outage?
h|black screen after the intro video, have to force close
m|my ranked points didn't update after I won, still shows the old rank
l|small glitch: the hat floats above the head in the character preview
m|the game stutters every few seconds since the last update
h|disconnected from every match with error {code}, worked fine last week
m|achievement didn't unlock even though I completed the requirements
l|the subtitles are out of sync in the campaign cutscenes
h|items disappeared from my inventory after the server restart
m|the game is stuck on "connecting to server" but only in {mode}
m|mouse sensitivity resets every time I restart the game
l|the clock in the lobby shows the wrong timezone
h|after the patch the game won't start at all on {platform}, just closes with {code}
"""
DETAIL["en", "bug_report"] = """
I already reinstalled and verified the game files.
playing on {platform}, latest patch.
it happens every time, started {when}.
I can send a video if needed.
my friends have the same issue.
here's what the log says: {log}
drivers are up to date.
"""
ASIDE["en", "bug_report"] = """
also the game crashed twice today
and the loading screen gets stuck sometimes too
"""

CORE["de", "bug_report"] = """
h|das Spiel stürzt beim Start ab, Fehlercode {code}
m|hänge bei 99% im Ladebildschirm fest wenn ich {mode} starte
l|der Umhang von meinem Charakter clippt durch die Rüstung
h|nach dem Update ist mein ganzer Fortschritt weg, Level und Inventar zurückgesetzt
c|Server sind für alle down, niemand aus meinem Clan kommt rein, Fehler {code}
h|keine Verbindung zum Matchmaking, nach 30 Sekunden kommt {code}
m|seit dem Patch nur noch 10 FPS in {mode} auf {platform}
m|die Tagesquest wird nicht abgeschlossen obwohl ich 5 Spiele gewonnen habe
l|Tippfehler in der deutschen Übersetzung im Einstellungsmenü
h|mein Spielstand ist beschädigt, es kommt {code} und er lädt nicht
m|Voice-Chat geht nicht in {mode}, Mikro funktioniert sonst überall
h|ich fliege aus jedem Match mit {code}, kann gar nicht spielen
h|Spiel stürzt nach dem Ladebildschirm auf den Desktop ab, {code}
h|Absturz jedes Mal wenn ich das Inventar öffne auf {platform}
m|Texturen laden nicht, alles verschwommen in {mode}
c|niemand kann sich einloggen, Login-Server sind wohl down, {code} bei allen Freunden
c|das ganze Spiel ist down, Fehler {code} auf allen Plattformen, gibt es eine Störung?
h|schwarzer Bildschirm nach dem Intro, muss das Spiel beenden
m|meine Ranglistenpunkte wurden nach dem Sieg nicht aktualisiert
l|kleiner Grafikfehler: der Hut schwebt über dem Kopf in der Vorschau
m|das Spiel ruckelt alle paar Sekunden seit dem letzten Update
h|Items sind nach dem Server-Neustart aus meinem Inventar verschwunden
m|die Maus-Empfindlichkeit setzt sich bei jedem Neustart zurück
"""
DETAIL["de", "bug_report"] = """
habe schon neu installiert und die Dateien überprüft.
spiele auf {platform}, aktueller Patch.
passiert ständig, zum ersten Mal {when}.
Freunde haben das gleiche Problem.
im Log steht: {log}
"""
ASIDE["de", "bug_report"] = """
außerdem ist das Spiel heute zweimal abgestürzt
"""

CORE["fr", "bug_report"] = """
h|le jeu plante au lancement avec l'erreur {code}
m|bloqué sur l'écran de chargement à 99% quand je lance {mode}
l|la cape de mon perso traverse l'armure, c'est moche
h|j'ai perdu toute ma progression après la mise à jour, niveau et inventaire remis à zéro
c|les serveurs sont down pour tout le monde, personne de ma guilde ne peut se connecter, erreur {code}
h|impossible de me connecter au matchmaking, ça affiche {code} après 30 secondes
m|les FPS tombent à 10 en {mode} depuis le patch sur {platform}
m|la quête quotidienne ne se valide pas alors que j'ai gagné 5 parties
l|faute de frappe dans la traduction française du menu des options
h|ma sauvegarde est corrompue, le jeu affiche {code} et ne charge plus
m|le chat vocal ne marche pas en {mode}, le micro marche partout ailleurs
h|je me fais éjecter de chaque partie en {mode} avec {code}, impossible de jouer
h|le jeu crashe sur le bureau après l'écran de chargement, {code}
h|crash à chaque fois que j'ouvre l'inventaire sur {platform}
m|les textures ne chargent pas, tout est flou en {mode}
c|personne ne peut se connecter, les serveurs de connexion sont down, {code} pour tous mes amis
c|tout le jeu est en panne, erreur {code} sur toutes les plateformes, c'est une panne générale ?
h|écran noir après la vidéo d'intro, je dois forcer la fermeture
m|mes points classés n'ont pas été mis à jour après ma victoire
l|petit bug graphique : le chapeau flotte au-dessus de la tête dans l'aperçu
m|le jeu saccade toutes les quelques secondes depuis la dernière mise à jour
h|des objets ont disparu de mon inventaire après le redémarrage des serveurs
m|la sensibilité de la souris se réinitialise à chaque lancement
"""
DETAIL["fr", "bug_report"] = """
j'ai déjà réinstallé et vérifié les fichiers.
je joue sur {platform}, dernier patch.
ça arrive à chaque fois, la première fois c'était {when}.
mes amis ont le même problème.
voilà le log : {log}
"""
ASIDE["fr", "bug_report"] = """
et le jeu a aussi planté deux fois aujourd'hui
"""

CORE["es", "bug_report"] = """
h|el juego se cierra al iniciar con el error {code}
m|me quedo atascado en la pantalla de carga al 99% cuando entro en {mode}
l|la capa de mi personaje atraviesa la armadura, se ve raro
h|perdí todo mi progreso después de la actualización, nivel e inventario reiniciados
c|los servidores están caídos para todos, nadie de mi clan puede conectarse, error {code}
h|no puedo conectar al matchmaking, sale {code} a los 30 segundos
m|los FPS bajan a 10 en {mode} desde el parche en {platform}
m|la misión diaria no se completa aunque gané 5 partidas
l|hay una errata en la traducción al español del menú de ajustes
h|mi partida guardada está corrupta, sale {code} y no carga
m|el chat de voz no funciona en {mode}, el micro funciona en todo lo demás
h|me echa de todas las partidas de {mode} con {code}, no puedo jugar
h|el juego se cierra al escritorio después de la pantalla de carga, {code}
h|se cierra cada vez que abro el inventario en {platform}
m|las texturas no cargan, todo se ve borroso en {mode}
c|nadie puede entrar, los servidores de login están caídos, {code} a todos mis amigos
c|todo el juego está caído, error {code} en todas las plataformas, hay una caída general?
h|pantalla negra después del video de intro, tengo que forzar el cierre
m|mis puntos de competitivo no se actualizaron después de ganar
l|pequeño fallo gráfico: el sombrero flota sobre la cabeza en la vista previa
m|el juego da tirones cada pocos segundos desde la última actualización
h|desaparecieron objetos de mi inventario después del reinicio del servidor
m|la sensibilidad del ratón se reinicia cada vez que abro el juego
"""
DETAIL["es", "bug_report"] = """
ya reinstalé y verifiqué los archivos.
juego en {platform}, último parche.
pasa siempre, empezó {when}.
a mis amigos les pasa lo mismo.
esto dice el log: {log}
"""
ASIDE["es", "bug_report"] = """
y además el juego se cerró dos veces hoy
"""

CORE["pt", "bug_report"] = """
h|o jogo fecha sozinho ao abrir com o erro {code}
m|fico travado na tela de carregamento em 99% quando entro na {mode}
l|a capa do meu personagem atravessa a armadura, fica estranho
h|perdi todo meu progresso depois da atualização, nível e inventário zerados
c|os servidores caíram pra todo mundo, ninguém do meu clã consegue conectar, erro {code}
h|não consigo conectar no matchmaking, aparece {code} depois de 30 segundos
m|o FPS cai pra 10 na {mode} desde o patch no {platform}
m|a missão diária não completa mesmo eu tendo ganhado 5 partidas
l|tem um erro de digitação na tradução em português do menu de opções
h|meu save corrompeu, aparece {code} e não carrega
m|o chat de voz não funciona na {mode}, o microfone funciona em todo o resto
h|sou expulso de toda partida na {mode} com {code}, não consigo jogar
h|o jogo fecha pra área de trabalho depois da tela de carregamento, {code}
h|fecha toda vez que abro o inventário no {platform}
m|as texturas não carregam, tudo fica borrado na {mode}
c|ninguém consegue logar, os servidores de login caíram, {code} pra todos os meus amigos
c|o jogo inteiro está fora do ar, erro {code} em todas as plataformas, é uma queda geral?
h|tela preta depois do vídeo de abertura, tenho que forçar o fechamento
m|meus pontos da ranqueada não atualizaram depois da vitória
l|bug visual pequeno: o chapéu flutua acima da cabeça na prévia
m|o jogo trava a cada poucos segundos desde a última atualização
h|itens sumiram do meu inventário depois do reinício do servidor
m|a sensibilidade do mouse reseta toda vez que abro o jogo
"""
DETAIL["pt", "bug_report"] = """
já reinstalei e verifiquei os arquivos.
jogo no {platform}, último patch.
acontece sempre, começou {when}.
meus amigos têm o mesmo problema.
o log mostra isso: {log}
"""
ASIDE["pt", "bug_report"] = """
e o jogo também fechou sozinho duas vezes hoje
"""

# ---------------------------------------------------------------- gameplay_question
CORE["en", "gameplay_question"] = """
l|how do I unlock the Dragon class? I'm level {num}
l|where do I find the blacksmith in the new zone?
l|what does the crit chance stat actually do
m|how does the ranked season reset work, will I lose my rank?
l|is there crossplay between {platform} and PC?
l|how do I join a clan? the button is greyed out
l|when does the winter event end?
l|what's the best way to farm gold as a new player
m|the tournament starts tomorrow, how do I register my team?
l|can I transfer items between my characters?
l|how many players can be in a {mode} lobby?
l|what's the difference between the Season Pass and the Battle Pass
m|how do I get the last achievement, I've tried everything
l|do legendary chests have a pity timer?
l|which weapon is good for {mode} as a healer
l|is the new map available in casual or only ranked
m|how do I reroll stats on my gear? the guide online is outdated
l|can you play the campaign offline?
l|how do I get more gems without paying?
l|what level do I need for raids?
l|how does crafting work, I have all the materials but can't make the sword
l|is there a way to reset my skill points?
l|where can I see my match history?
m|do I keep my rank if I switch from {platform} to PC?
l|what happens to unused battle pass tiers when the season ends?
l|how do I invite friends to a {mode} match?
l|is it possible to play the campaign with a friend?
l|how do I change my character's appearance after creation?
l|which class is best for beginners?
l|how long does the season last?
l|are there any codes for free rewards?
m|how do I qualify for the {mode} tournament next week?
l|can you trade items with other players?
l|what does the blue star next to my name mean?
l|how do pets work, do they give stats?
l|where do I turn in the dragon scale quest?
"""
DETAIL["en", "gameplay_question"] = """
I'm pretty new to the game.
I play on {platform}.
couldn't find it in the wiki.
my friend said ask support.
I'm level {num}.
"""
ASIDE["en", "gameplay_question"] = """
also quick question, how do clans work?
oh and when does the event end?
"""

CORE["de", "gameplay_question"] = """
l|wie schalte ich die Drachen-Klasse frei? bin Level {num}
l|wo finde ich den Schmied im neuen Gebiet?
l|was macht der Wert Kritische Trefferchance genau?
m|wie funktioniert der Reset der Ranked-Saison, verliere ich meinen Rang?
l|gibt es Crossplay zwischen {platform} und PC?
l|wie trete ich einem Clan bei? der Button ist grau
l|wann endet das Winter-Event?
m|das Turnier ist morgen, wie melde ich mein Team an?
l|kann man Items zwischen Charakteren tauschen?
l|wie viele Spieler passen in eine {mode} Lobby?
l|wie bekomme ich mehr Gems ohne zu bezahlen?
l|ab welchem Level kann man Raids spielen?
l|wie funktioniert das Crafting? ich habe alle Materialien aber kann das Schwert nicht bauen
l|kann man die Skillpunkte zurücksetzen?
l|wo sehe ich meinen Spielverlauf?
m|behalte ich meinen Rang wenn ich von {platform} auf PC wechsle?
l|was passiert mit den Battle-Pass-Stufen am Saisonende?
l|wie lade ich Freunde in ein {mode} Match ein?
l|welche Klasse ist gut für Anfänger?
l|wie lange dauert die Saison?
l|wo gebe ich die Drachenschuppen-Quest ab?
"""
DETAIL["de", "gameplay_question"] = """
bin noch ziemlich neu im Spiel.
ich spiele auf {platform}.
im Wiki stand nichts dazu.
"""
ASIDE["de", "gameplay_question"] = """
und kurze Frage noch, wann endet das Event?
"""

CORE["fr", "gameplay_question"] = """
l|comment débloquer la classe Dragon ? je suis niveau {num}
l|où se trouve le forgeron dans la nouvelle zone ?
l|à quoi sert exactement la stat chance de critique ?
m|comment marche la réinitialisation de la saison classée, je vais perdre mon rang ?
l|est-ce qu'il y a du crossplay entre {platform} et PC ?
l|comment rejoindre un clan ? le bouton est grisé
l|quand se termine l'événement d'hiver ?
m|le tournoi commence demain, comment inscrire mon équipe ?
l|on peut transférer des objets entre personnages ?
l|combien de joueurs max dans un salon {mode} ?
l|comment avoir plus de gemmes sans payer ?
l|à partir de quel niveau on peut faire les raids ?
l|comment marche l'artisanat ? j'ai tous les matériaux mais je ne peux pas fabriquer l'épée
l|on peut réinitialiser les points de compétence ?
l|où voir l'historique de mes parties ?
m|est-ce que je garde mon rang si je passe de {platform} à PC ?
l|que deviennent les paliers du battle pass à la fin de la saison ?
l|comment inviter des amis dans une partie {mode} ?
l|quelle classe est la meilleure pour débuter ?
l|combien de temps dure la saison ?
l|où rendre la quête des écailles de dragon ?
"""
DETAIL["fr", "gameplay_question"] = """
je débute dans le jeu.
je joue sur {platform}.
j'ai rien trouvé sur le wiki.
"""
ASIDE["fr", "gameplay_question"] = """
et petite question, quand finit l'événement ?
"""

CORE["es", "gameplay_question"] = """
l|cómo desbloqueo la clase Dragón? soy nivel {num}
l|dónde está el herrero en la zona nueva?
l|qué hace exactamente la estadística de probabilidad de crítico?
m|cómo funciona el reinicio de la temporada competitiva, pierdo mi rango?
l|hay juego cruzado entre {platform} y PC?
l|cómo me uno a un clan? el botón sale gris
l|cuándo termina el evento de invierno?
m|el torneo empieza mañana, cómo inscribo a mi equipo?
l|se pueden pasar objetos entre personajes?
l|cuántos jugadores caben en una sala de {mode}?
l|cómo consigo más gemas sin pagar?
l|a partir de qué nivel se puede hacer raids?
l|cómo funciona el crafteo? tengo todos los materiales pero no puedo fabricar la espada
l|se pueden reiniciar los puntos de habilidad?
l|dónde veo mi historial de partidas?
m|mantengo mi rango si paso de {platform} a PC?
l|qué pasa con los niveles del battle pass al terminar la temporada?
l|cómo invito amigos a una partida de {mode}?
l|qué clase es mejor para empezar?
l|cuánto dura la temporada?
l|dónde entrego la misión de las escamas de dragón?
"""
DETAIL["es", "gameplay_question"] = """
soy bastante nuevo en el juego.
juego en {platform}.
no encontré nada en la wiki.
"""
ASIDE["es", "gameplay_question"] = """
y otra pregunta, cuándo acaba el evento?
"""

CORE["pt", "gameplay_question"] = """
l|como desbloqueio a classe Dragão? sou nível {num}
l|onde fica o ferreiro na área nova?
l|o que faz exatamente o atributo chance de crítico?
m|como funciona o reset da temporada ranqueada, vou perder meu rank?
l|tem crossplay entre {platform} e PC?
l|como entro num clã? o botão fica cinza
l|quando acaba o evento de inverno?
m|o torneio começa amanhã, como inscrevo meu time?
l|dá pra passar itens entre personagens?
l|quantos jogadores cabem numa sala de {mode}?
l|como consigo mais gemas sem pagar?
l|a partir de qual nível dá pra fazer raid?
l|como funciona o crafting? tenho todos os materiais mas não consigo fazer a espada
l|dá pra resetar os pontos de habilidade?
l|onde vejo meu histórico de partidas?
m|eu mantenho meu rank se mudar do {platform} pro PC?
l|o que acontece com os níveis do battle pass quando a temporada acaba?
l|como convido amigos pra uma partida de {mode}?
l|qual classe é melhor pra iniciante?
l|quanto tempo dura a temporada?
l|onde entrego a missão das escamas de dragão?
"""
DETAIL["pt", "gameplay_question"] = """
sou novo no jogo.
jogo no {platform}.
não achei nada na wiki.
"""
ASIDE["pt", "gameplay_question"] = """
e outra dúvida, quando acaba o evento?
"""

# ---------------------------------------------------------------- abuse_report
CORE["en", "abuse_report"] = """
m|player {player} is using an aimbot in {mode}, he hits every headshot through walls
h|{player} keeps sending me racist messages in chat after every match
c|someone posted my home address in global chat and says they will find me
h|a guy named {player} scammed me in a trade, took my legendary sword and blocked me
m|there's a bot farm in the swamp zone, same 10 accounts running in circles 24/7
m|{player} is griefing our {mode} matches on purpose, killing teammates
c|an adult player is asking my 12 year old for photos and his phone number
h|{player} is harassing my girlfriend in voice chat with sexual comments every game
m|the username {player} is extremely offensive, please remove it
h|a clan is threatening to report and dox anyone who beats them in {mode}
m|speed hacker in {mode}, teleporting across the map, replay attached
h|I'm being stalked by {player}, he creates new accounts to keep messaging me
l|someone keeps spamming ads for gold selling sites in trade chat
c|a player said he's going to kill himself on stream and nobody is helping, please do something
m|{player} uses a wallhack, the whole lobby saw it
h|{player} impersonates a Starfall admin and asks people for their passwords
m|{player} is cheating for sure, he can see us through walls every round
m|reporting {player} for using hacks in {mode}, he never misses
h|{player} called me racial slurs in voice chat, I have a recording
h|a player keeps following me between matches and sending creepy messages
c|a player threatened to hurt me in real life and knows what city I live in
c|someone shared private photos of me in the clan chat without consent
h|I was scammed by {player}, he promised gems for my skin and disappeared
m|{player} is boosting accounts for money in {mode}
m|this player is afk farming with a bot script every day
h|{player} and his friends bully my son every time he joins
m|team killer in {mode}, {player} shot our whole team on purpose
l|{player} keeps spamming emotes and trash talk, kind of annoying
h|someone is pretending to be me with a copy of my name and scamming my friends
c|a player is telling kids to meet him in real life, please stop him
m|toxic player {player} keeps insulting everyone in chat
h|{player} threatened to hack my account if I don't give him my items
m|obvious cheater in {mode}, check the replay, he tracks people through walls
m|someone is selling hacks in the trade channel
"""
DETAIL["en", "abuse_report"] = """
I have screenshots of the chat.
it happened in {mode} {when}.
match id was {num}88{num}.
I already blocked him but he keeps coming back.
the whole lobby reported him.
"""
ASIDE["en", "abuse_report"] = """
also there was a cheater in my last match
and some guy was toxic in chat again
"""

CORE["de", "abuse_report"] = """
m|Spieler {player} benutzt einen Aimbot in {mode}, trifft jeden Headshot durch Wände
h|{player} schickt mir nach jedem Match rassistische Nachrichten
c|jemand hat meine Adresse im Chat gepostet und droht mir
h|ein Typ namens {player} hat mich beim Handeln abgezogen und mich dann blockiert
m|im Sumpfgebiet ist eine Bot-Farm, dieselben 10 Accounts rund um die Uhr
c|ein Erwachsener fragt meinen 12-jährigen Sohn nach Fotos und Handynummer
h|{player} belästigt meine Freundin im Voice-Chat mit sexuellen Sprüchen
m|der Name {player} ist extrem beleidigend, bitte entfernen
m|Wallhacker in {mode}, die ganze Lobby hat es gesehen
h|{player} gibt sich als Admin aus und fragt Leute nach Passwörtern
m|{player} cheatet sicher, sieht uns jede Runde durch Wände
h|{player} hat mich im Voice-Chat rassistisch beleidigt, ich habe eine Aufnahme
c|ein Spieler droht mir im echten Leben und weiß in welcher Stadt ich wohne
h|ich wurde von {player} betrogen, er versprach Gems für meinen Skin und ist verschwunden
m|dieser Spieler farmt jeden Tag afk mit einem Bot
h|{player} und seine Freunde mobben meinen Sohn jedes Mal
m|Teamkiller in {mode}, {player} hat absichtlich unser Team erschossen
c|ein Spieler will sich mit Kindern im echten Leben treffen, bitte stoppt ihn
m|toxischer Spieler {player} beleidigt alle im Chat
h|{player} droht meinen Account zu hacken wenn ich ihm meine Items nicht gebe
"""
DETAIL["de", "abuse_report"] = """
ich habe Screenshots vom Chat.
das war in {mode} {when}.
ich habe ihn schon blockiert.
"""
ASIDE["de", "abuse_report"] = """
außerdem war in meinem letzten Match ein Cheater
"""

CORE["fr", "abuse_report"] = """
m|le joueur {player} utilise un aimbot en {mode}, il met des headshots à travers les murs
h|{player} m'envoie des messages racistes après chaque partie
c|quelqu'un a posté mon adresse dans le chat et me menace
h|un mec qui s'appelle {player} m'a arnaqué pendant un échange et m'a bloqué
m|il y a une ferme de bots dans le marais, les mêmes 10 comptes H24
c|un adulte demande des photos et son numéro à mon fils de 12 ans
h|{player} harcèle ma copine en vocal avec des remarques sexuelles
m|le pseudo {player} est super insultant, merci de le supprimer
m|un wallhack en {mode}, tout le salon l'a vu
h|{player} se fait passer pour un admin et demande les mots de passe des gens
m|{player} triche c'est sûr, il nous voit à travers les murs à chaque manche
h|{player} m'a insulté avec des propos racistes en vocal, j'ai un enregistrement
c|un joueur me menace dans la vraie vie et sait dans quelle ville j'habite
h|je me suis fait arnaquer par {player}, il a promis des gemmes contre mon skin et a disparu
m|ce joueur farme afk avec un bot tous les jours
h|{player} et ses amis harcèlent mon fils à chaque partie
m|un joueur tue ses coéquipiers en {mode}, {player} a abattu toute notre équipe exprès
c|un joueur propose à des enfants de le rencontrer en vrai, arrêtez-le svp
m|joueur toxique {player} qui insulte tout le monde dans le chat
h|{player} menace de pirater mon compte si je ne lui donne pas mes objets
"""
DETAIL["fr", "abuse_report"] = """
j'ai des captures d'écran du chat.
c'était en {mode} {when}.
je l'ai déjà bloqué.
"""
ASIDE["fr", "abuse_report"] = """
et il y avait encore un tricheur dans ma dernière partie
"""

CORE["es", "abuse_report"] = """
m|el jugador {player} usa aimbot en {mode}, mete headshots a través de las paredes
h|{player} me manda mensajes racistas después de cada partida
c|alguien publicó mi dirección en el chat y me está amenazando
h|un tal {player} me estafó en un intercambio y luego me bloqueó
m|hay una granja de bots en el pantano, las mismas 10 cuentas 24/7
c|un adulto le pide fotos y su número a mi hijo de 12 años
h|{player} acosa a mi novia en el chat de voz con comentarios sexuales
m|el nombre {player} es muy ofensivo, por favor quítenlo
m|wallhack en {mode}, toda la sala lo vio
h|{player} se hace pasar por admin y pide contraseñas a la gente
m|{player} hace trampa seguro, nos ve a través de las paredes cada ronda
h|{player} me insultó con comentarios racistas por voz, tengo la grabación
c|un jugador me amenaza en la vida real y sabe en qué ciudad vivo
h|{player} me estafó, prometió gemas por mi skin y desapareció
m|este jugador farmea afk con un bot todos los días
h|{player} y sus amigos acosan a mi hijo cada vez que entra
m|un jugador mata a su propio equipo en {mode}, {player} nos mató a todos a propósito
c|un jugador le pide a niños quedar en persona, por favor deténganlo
m|jugador tóxico {player} insulta a todos en el chat
h|{player} amenaza con hackear mi cuenta si no le doy mis objetos
"""
DETAIL["es", "abuse_report"] = """
tengo capturas del chat.
fue en {mode} {when}.
ya lo bloqueé.
"""
ASIDE["es", "abuse_report"] = """
y en mi última partida había otro tramposo
"""

CORE["pt", "abuse_report"] = """
m|o jogador {player} tá usando aimbot na {mode}, acerta headshot através da parede
h|{player} me manda mensagens racistas depois de toda partida
c|alguém postou meu endereço no chat e está me ameaçando
h|um cara chamado {player} me aplicou um golpe na troca e me bloqueou
m|tem uma fazenda de bots no pântano, as mesmas 10 contas 24h
c|um adulto está pedindo fotos e o telefone do meu filho de 12 anos
h|{player} assedia minha namorada no chat de voz com comentários sexuais
m|o nick {player} é muito ofensivo, por favor removam
m|wallhack na {mode}, a sala inteira viu
h|{player} finge ser admin e pede senha das pessoas
m|{player} tá de hack com certeza, vê a gente através da parede toda rodada
h|{player} me xingou com ofensas racistas no chat de voz, tenho a gravação
c|um jogador está me ameaçando na vida real e sabe em que cidade eu moro
h|{player} me deu golpe, prometeu gemas pela minha skin e sumiu
m|esse jogador farma afk com bot todo dia
h|{player} e os amigos dele fazem bullying com meu filho toda vez
m|um jogador mata o próprio time na {mode}, {player} matou todo mundo de propósito
c|um jogador está chamando crianças pra se encontrar pessoalmente, parem ele por favor
m|jogador tóxico {player} xinga todo mundo no chat
h|{player} ameaça hackear minha conta se eu não der meus itens
"""
DETAIL["pt", "abuse_report"] = """
tenho prints do chat.
foi na {mode} {when}.
já bloqueei ele.
"""
ASIDE["pt", "abuse_report"] = """
e tinha outro hacker na minha última partida
"""

# ---------------------------------------------------------------- feedback
CORE["en", "feedback"] = """
l|love the new map, best update in a long time, keep it up
l|please add a colorblind mode, I can't tell the red and green markers apart
l|the new battle pass rewards are boring compared to last season
l|matchmaking in {mode} feels unbalanced, level 10s vs level 80s
l|it would be great if we could rebind keys on {platform}
m|the last patch nerfed the healer class into the ground, nobody plays it anymore
l|the soundtrack of the winter zone is amazing, is it on spotify?
l|suggestion: show the ping of each player on the scoreboard
l|the UI for the inventory is confusing, too many clicks to equip stuff
l|thanks for the quick fix last week, you guys are great
l|prices in the shop are way too high for what you get
l|would love a photo mode
m|the grind after level 50 is too much, it stopped being fun
l|can you bring back the old lobby music? the new one is annoying
l|the tutorial doesn't explain crafting at all, new players are lost
l|great game, me and my kids play it every weekend
l|the new season is awesome, really enjoying the new heroes
l|please add a way to skip the intro video
l|I think the matchmaking wait times are way too long lately
l|the new UI is much worse than the old one, bring back the old menu
l|would be cool to have more customization options for clans
m|the game has become pay to win since the last update and it ruins the fun
l|big fan of the art style, the team did an amazing job
l|can you add controller support for the menus on PC?
l|daily quests are too repetitive, same thing every day
l|the event rewards are too hard to get for casual players
l|my suggestion: let us favorite items in the shop
l|loving the co-op mode, more missions like that please
l|the music in the main menu is way too loud by default
l|the game runs great on my old laptop, nice optimization
l|the ranked system feels punishing, losing more points than you win
m|too many bugs every patch, please test before releasing
l|honestly the best game I've played this year
l|I miss the old map rotation
"""
DETAIL["en", "feedback"] = """
I've been playing since launch.
just my 2 cents.
my whole clan thinks the same.
otherwise love the game.
"""
ASIDE["en", "feedback"] = """
also the new map is really nice btw
and please add a photo mode some day
"""

CORE["de", "feedback"] = """
l|die neue Karte ist super, bestes Update seit langem
l|bitte einen Farbenblind-Modus einbauen, ich sehe die Markierungen nicht
l|die Belohnungen im neuen Battle Pass sind langweilig
l|Matchmaking in {mode} ist unausgeglichen, Level 10 gegen Level 80
m|der letzte Patch hat die Heiler-Klasse komplett kaputt generft
l|Vorschlag: Ping der Spieler im Scoreboard anzeigen
l|das Inventar-Menü ist unübersichtlich, viel zu viele Klicks
l|danke für den schnellen Fix letzte Woche, ihr seid super
l|die Preise im Shop sind viel zu hoch
l|das Tutorial erklärt das Crafting überhaupt nicht
l|die neue Saison ist genial, die neuen Helden machen richtig Spaß
l|bitte eine Option zum Überspringen des Intros einbauen
l|die Wartezeiten im Matchmaking sind viel zu lang geworden
l|die neue Oberfläche ist schlechter als die alte, bitte das alte Menü zurück
m|seit dem letzten Update ist das Spiel pay to win, das macht keinen Spaß mehr
l|großes Lob für den Grafikstil, tolle Arbeit
l|die Tagesquests sind zu eintönig, jeden Tag dasselbe
l|der Koop-Modus macht richtig Spaß, bitte mehr davon
l|die Musik im Hauptmenü ist standardmäßig viel zu laut
m|jeder Patch bringt neue Bugs, bitte vorher testen
"""
DETAIL["de", "feedback"] = """
spiele seit Release.
nur meine Meinung.
sonst liebe ich das Spiel.
"""
ASIDE["de", "feedback"] = """
übrigens die neue Karte ist echt gut
"""

CORE["fr", "feedback"] = """
l|j'adore la nouvelle carte, meilleure mise à jour depuis longtemps
l|svp ajoutez un mode daltonien, je ne distingue pas les marqueurs
l|les récompenses du nouveau battle pass sont nulles
l|le matchmaking en {mode} est déséquilibré, niveau 10 contre niveau 80
m|le dernier patch a complètement détruit la classe soigneur
l|suggestion : afficher le ping des joueurs sur le tableau des scores
l|l'interface de l'inventaire est confuse, trop de clics
l|merci pour le correctif rapide la semaine dernière, vous êtes top
l|les prix de la boutique sont beaucoup trop élevés
l|le tutoriel n'explique pas du tout l'artisanat
l|la nouvelle saison est géniale, les nouveaux héros sont top
l|svp ajoutez une option pour passer la vidéo d'intro
l|les temps d'attente du matchmaking sont devenus beaucoup trop longs
l|la nouvelle interface est pire que l'ancienne, remettez l'ancien menu
m|depuis la dernière mise à jour le jeu est devenu pay to win, ça gâche tout
l|bravo pour la direction artistique, superbe travail
l|les quêtes quotidiennes sont trop répétitives
l|le mode coop est génial, plus de missions comme ça svp
l|la musique du menu principal est beaucoup trop forte par défaut
m|chaque patch apporte de nouveaux bugs, testez avant de sortir les mises à jour
"""
DETAIL["fr", "feedback"] = """
je joue depuis la sortie.
juste mon avis.
à part ça j'adore le jeu.
"""
ASIDE["fr", "feedback"] = """
d'ailleurs la nouvelle carte est super
"""

CORE["es", "feedback"] = """
l|me encanta el mapa nuevo, la mejor actualización en mucho tiempo
l|por favor añadan un modo para daltónicos, no distingo los marcadores
l|las recompensas del nuevo battle pass son aburridas
l|el emparejamiento en {mode} está desequilibrado, nivel 10 contra nivel 80
m|el último parche destrozó la clase sanadora
l|sugerencia: mostrar el ping de cada jugador en la tabla
l|la interfaz del inventario es confusa, demasiados clics
l|gracias por el arreglo rápido de la semana pasada, son geniales
l|los precios de la tienda son demasiado altos
l|el tutorial no explica nada del crafteo
l|la nueva temporada está genial, los héroes nuevos son muy divertidos
l|por favor añadan una opción para saltar el video de intro
l|los tiempos de espera del emparejamiento son demasiado largos últimamente
l|la nueva interfaz es peor que la anterior, devuelvan el menú viejo
m|desde la última actualización el juego es pay to win y ya no es divertido
l|felicidades por el estilo artístico, un trabajo increíble
l|las misiones diarias son muy repetitivas
l|el modo cooperativo es genial, más misiones así por favor
l|la música del menú principal está demasiado alta por defecto
m|cada parche trae bugs nuevos, prueben antes de publicar
"""
DETAIL["es", "feedback"] = """
juego desde el lanzamiento.
solo es mi opinión.
por lo demás me encanta el juego.
"""
ASIDE["es", "feedback"] = """
por cierto el mapa nuevo está genial
"""

CORE["pt", "feedback"] = """
l|amei o mapa novo, melhor atualização em muito tempo
l|por favor coloquem um modo para daltônicos, não consigo ver os marcadores
l|as recompensas do battle pass novo estão sem graça
l|o matchmaking na {mode} está desbalanceado, nível 10 contra nível 80
m|o último patch destruiu a classe curandeiro
l|sugestão: mostrar o ping de cada jogador no placar
l|a interface do inventário é confusa, cliques demais
l|valeu pela correção rápida semana passada, vocês são demais
l|os preços da loja estão caros demais
l|o tutorial não explica nada do crafting
l|a temporada nova está incrível, os heróis novos são muito divertidos
l|por favor coloquem uma opção pra pular o vídeo de abertura
l|o tempo de espera do matchmaking está muito longo ultimamente
l|a interface nova é pior que a antiga, voltem o menu antigo
m|desde a última atualização o jogo virou pay to win e perdeu a graça
l|parabéns pelo estilo artístico, trabalho incrível
l|as missões diárias são muito repetitivas
l|o modo cooperativo é muito bom, mais missões assim por favor
l|a música do menu principal está alta demais por padrão
m|todo patch traz bug novo, testem antes de lançar
"""
DETAIL["pt", "feedback"] = """
jogo desde o lançamento.
só minha opinião.
fora isso amo o jogo.
"""
ASIDE["pt", "feedback"] = """
aliás o mapa novo ficou muito bom
"""

# ---------------------------------------------------------------- other
CORE["en", "other"] = """
l|are you hiring community managers? I'd love to work for Starfall
l|I run a YouTube channel with 50k subs, who do I talk to about a partnership?
l|hello?
l|is this the right email for press inquiries?
l|I ordered a hoodie from the merch store, when will it ship?
l|test test 123
l|can I use Starfall footage in my school project?
l|I think I wrote to the wrong company, sorry
l|do you sponsor esports teams? we're a small amateur team
l|what's your company's address? I want to send fan mail
l|unsubscribe me from the newsletter please
l|I want to send you some fan art, where can I post it?
l|is the studio going to be at Gamescom this year?
l|my pizza arrived cold
l|do you have an office in Berlin? I'm moving there
l|what is the age rating of the game? asking for my son
l|can I visit your studio?
l|asdfghjkl
l|I'm writing a thesis about game studios, can I interview someone?
l|where can I buy Starfall merch?
l|is there a Starfall board game?
l|when is the next game from your studio coming out?
l|my brother says you're making a movie, is that true?
l|hi, I want to apply for an internship
l|ok
l|wrong chat sorry
l|what engine is Starfall made in?
l|can you send me a signed poster?
"""
DETAIL["en", "other"] = """
thanks in advance.
no rush.
"""
ASIDE["en", "other"] = """
also are you hiring?
"""

CORE["de", "other"] = """
l|sucht ihr Community Manager? würde gerne bei euch arbeiten
l|ich habe einen YouTube-Kanal mit 50k Abos, wen kann ich wegen einer Kooperation fragen?
l|hallo?
l|ist das die richtige Adresse für Presseanfragen?
l|ich habe einen Hoodie im Merch-Shop bestellt, wann wird er verschickt?
l|darf ich Spielszenen für ein Schulprojekt nutzen?
l|sorry, falsche Firma angeschrieben
l|seid ihr dieses Jahr auf der Gamescom?
l|habt ihr ein Büro in Berlin?
l|ab welchem Alter ist das Spiel freigegeben? frage für meinen Sohn
l|ich schreibe meine Bachelorarbeit über Spielestudios, kann ich jemanden interviewen?
l|wo kann ich Starfall Merch kaufen?
l|ich möchte mich für ein Praktikum bewerben
l|ok
l|falscher Chat sorry
l|mit welcher Engine ist Starfall gemacht?
"""
DETAIL["de", "other"] = """
danke im Voraus.
"""
ASIDE["de", "other"] = """
und sucht ihr zufällig Leute?
"""

CORE["fr", "other"] = """
l|vous recrutez des community managers ? j'aimerais travailler chez vous
l|j'ai une chaîne YouTube de 50k abonnés, à qui parler pour un partenariat ?
l|allô ?
l|c'est la bonne adresse pour les demandes presse ?
l|j'ai commandé un sweat sur la boutique merch, quand sera-t-il expédié ?
l|je peux utiliser des images du jeu pour un projet scolaire ?
l|désolé je me suis trompé d'entreprise
l|le studio sera présent à la Paris Games Week ?
l|vous avez des bureaux à Lyon ?
l|le jeu est classé PEGI combien ? c'est pour mon fils
l|je fais un mémoire sur les studios de jeux vidéo, je peux interviewer quelqu'un ?
l|où acheter des goodies Starfall ?
l|je voudrais postuler pour un stage
l|ok
l|mauvaise conversation désolé
l|Starfall tourne sur quel moteur ?
"""
DETAIL["fr", "other"] = """
merci d'avance.
"""
ASIDE["fr", "other"] = """
et vous recrutez ?
"""

CORE["es", "other"] = """
l|están contratando community managers? me encantaría trabajar con ustedes
l|tengo un canal de YouTube con 50k suscriptores, con quién hablo para colaborar?
l|hola?
l|es este el correo para consultas de prensa?
l|pedí una sudadera en la tienda de merch, cuándo la envían?
l|puedo usar imágenes del juego para un trabajo del colegio?
l|perdón, me equivoqué de empresa
l|van a estar en la feria de videojuegos este año?
l|tienen oficina en Madrid?
l|qué clasificación de edad tiene el juego? es para mi hijo
l|estoy haciendo mi tesis sobre estudios de videojuegos, puedo entrevistar a alguien?
l|dónde compro merchandising de Starfall?
l|quiero postularme para unas prácticas
l|ok
l|chat equivocado perdón
l|con qué motor está hecho Starfall?
"""
DETAIL["es", "other"] = """
gracias de antemano.
"""
ASIDE["es", "other"] = """
y están contratando?
"""

CORE["pt", "other"] = """
l|vocês estão contratando community managers? adoraria trabalhar com vocês
l|tenho um canal no YouTube com 50 mil inscritos, com quem falo sobre parceria?
l|oi?
l|esse é o email para imprensa?
l|pedi um moletom na loja de produtos, quando vai ser enviado?
l|posso usar imagens do jogo num trabalho da escola?
l|desculpa, mandei pra empresa errada
l|vocês vão estar na BGS esse ano?
l|vocês têm escritório em São Paulo?
l|qual a classificação indicativa do jogo? é pro meu filho
l|estou fazendo meu TCC sobre estúdios de games, posso entrevistar alguém?
l|onde compro produtos oficiais do Starfall?
l|quero me candidatar a um estágio
l|ok
l|chat errado desculpa
l|o Starfall é feito em qual engine?
"""
DETAIL["pt", "other"] = """
desde já agradeço.
"""
ASIDE["pt", "other"] = """
e vocês estão contratando?
"""

# ---------------------------------------------------------------- framing, per language
#: Openers, context sentences, urgency bumps (raise the label one step, up to high)
#: and closings. One item per line.
GREETING: dict[str, str] = {
    "en": "Hi,\nHello,\nHey\nhey guys\nDear Starfall support,\nHello support team,\nyo\nHi there!\n"
    "To whom it may concern,\nGood morning,\nhi support",
    "de": "Hallo,\nHi,\nHallo zusammen,\nSehr geehrtes Support-Team,\nMoin,\nServus,\nGuten Tag,",
    "fr": "Bonjour,\nSalut,\nBonsoir,\nBonjour l'équipe,\nMadame, Monsieur,\nCoucou,\nSlt",
    "es": "Hola,\nBuenas,\nHola equipo,\nEstimado soporte,\nBuenos días,\nHola que tal,",
    "pt": "Olá,\nOi,\nBom dia,\nBoa noite,\nOi pessoal,\nPrezado suporte,\nEae",
}
CONTEXT: dict[str, str] = {
    "en": "I play on {platform}.\nBeen playing since beta, lvl {num}0 account.\n"
    "My username is {player}.\nI'm on {platform}, latest patch.\nlong time player here.",
    "de": "ich spiele auf {platform}.\nspiele seit der Beta.\nmein Name im Spiel ist {player}.",
    "fr": "je joue sur {platform}.\njoueur depuis la bêta.\nmon pseudo est {player}.",
    "es": "juego en {platform}.\njuego desde la beta.\nmi usuario es {player}.",
    "pt": "jogo no {platform}.\njogo desde o beta.\nmeu nick é {player}.",
}
BUMP: dict[str, str] = {
    "en": "please help ASAP\nthis is urgent!!\nI need this fixed today, tournament tonight\n"
    "please answer fast, this is the third time I write\nmy whole clan has this issue now",
    "de": "bitte schnell helfen!!\ndas ist dringend\nbitte heute noch, wir haben heute Abend Turnier\n"
    "schreibe schon zum dritten Mal",
    "fr": "c'est urgent svp\naidez-moi vite svp !!\nc'est la troisième fois que j'écris\n"
    "on a un tournoi ce soir",
    "es": "es urgente por favor\nayuda rápido!!\nes la tercera vez que escribo\n"
    "tenemos torneo esta noche",
    "pt": "é urgente por favor\nme ajudem rápido!!\njá é a terceira vez que escrevo\n"
    "temos campeonato hoje à noite",
}
CLOSING: dict[str, str] = {
    "en": "Thanks\nthx\nThanks in advance!\nplease help\nRegards\nty\nCheers\nthank you",
    "de": "Danke\nDanke im Voraus\nLG\nMit freundlichen Grüßen\nGruß\nbitte um Hilfe",
    "fr": "Merci\nMerci d'avance\nCordialement\nmerci bcp\nBonne journée",
    "es": "Gracias\nGracias de antemano\nSaludos\nun saludo\nporfa ayuda",
    "pt": "Obrigado\nValeu\nObrigada desde já\nAtt\nabraço",
}
WHEN: dict[str, str] = {
    "en": "yesterday\nlast night\nthis morning\n2 days ago\non Monday\nafter the update",
    "de": "gestern\nheute Morgen\nvor 2 Tagen\nletzte Nacht\nnach dem Update",
    "fr": "hier\nce matin\nil y a 2 jours\naprès la mise à jour\nhier soir",
    "es": "ayer\nesta mañana\nhace 2 días\nanoche\ndespués de la actualización",
    "pt": "ontem\nhoje de manhã\nhá 2 dias\nontem à noite\ndepois da atualização",
}
MODE: dict[str, str] = {
    "en": "ranked\ncasual\nco-op\nraids\narena\nbattle royale\nthe campaign\ntournament",
    "de": "Ranked\nRanglisten-Modus\nKoop\nRaids\nArena\nder Kampagne\nTurnier",
    "fr": "partie classée\ncoop\nraid\narène\ncampagne\ntournoi",
    "es": "competitivo\ncooperativo\nraid\narena\ncampaña\ntorneo",
    "pt": "ranqueada\nco-op\nraid\narena\ncampanha\npartida ranqueada",
}
ITEM: dict[str, str] = {
    "en": "Starter Pack\nBattle Pass\nSeason Pass\ngem bundle\nFounder's Edition\nDragon skin\n"
    "Premium Pass\nLegendary Chest\nStar Club subscription",
    "de": "Starterpaket\nBattle Pass\nSeason Pass\nGem-Bundle\nDrachen-Skin\nPremium-Pass\n"
    "Star-Club-Abo",
    "fr": "pack de démarrage\nBattle Pass\npass de saison\npack de gemmes\nskin Dragon\n"
    "abonnement Star Club",
    "es": "pack de inicio\nBattle Pass\npase de temporada\npaquete de gemas\nskin de Dragón\n"
    "suscripción Star Club",
    "pt": "pacote inicial\nBattle Pass\npasse de temporada\npacote de gemas\nskin de Dragão\n"
    "assinatura Star Club",
}
#: Money as players in each market write it (the extractor must read all of these).
AMOUNT: dict[str, str] = {
    "en": "$4.99\n$9.99\n£4.99\n19.99 USD\n$49.99\n€9.99\n4.99 dollars\n$99.99\n£19.99",
    "de": "4,99 €\n9,99 €\n19,99 EUR\n49,99€\n€ 9,99\n2,99 Euro\n99,99 €",
    "fr": "4,99 €\n9,99€\n19,99 euros\n49,99 EUR\n99,99 €",
    "es": "4,99 €\n9,99€\n19,99 euros\n9.99 USD\n49,99 €",
    "pt": "R$ 24,90\nR$ 49,90\nR$ 9,90\n4,99 €\nR$129,90",
}
GEMS: dict[str, str] = {
    "en": "1200 gems\n500 gems\n2,500 gems\n6500 gems",
    "de": "1200 Gems\n500 Edelsteine\n2.500 Gems",
    "fr": "1200 gemmes\n500 gemmes\n2500 gemmes",
    "es": "1200 gemas\n500 gemas\n2500 gemas",
    "pt": "1200 gemas\n500 gemas\n2500 gemas",
}
#: Player-typed slang and shorthand, applied to English text as ``word -> replacement``.
EN_SLANG: dict[str, str] = {
    "you": "u",
    "your": "ur",
    "please": "pls",
    "thanks": "thx",
    "because": "cuz",
    "people": "ppl",
    "really": "rly",
    "what": "wat",
}
PLAYER_NAMES = (
    "xX_Sn1per_Xx",
    "NoobMaster69",
    "DarkLord99",
    "kevin_pro",
    "Zer0Cool",
    "SaltyPotato",
    "L1ghtning",
    "ProGamerBR",
    "Lukas_2009",
    "ElMatador",
    "LaReine77",
    "KaiserFritz",
    "TTV_Shadow",
    "mimi.chan",
    "Vortex_FR",
)
PLATFORMS = (
    "PS5",
    "PS4",
    "Xbox Series X",
    "Xbox One",
    "Switch",
    "PC",
    "Steam",
    "iPhone",
    "Android",
    "Steam Deck",
    "iPad",
    "Nintendo Switch",
)
#: Log lines players paste into bug reports.
LOG_LINES = (
    "[ERROR] NetClient: connection lost ({code})",
    "Fatal error: EXCEPTION_ACCESS_VIOLATION at 0x00007FF6A2C1",
    "[WARN] AssetLoader: timeout loading map_swamp_02 after 30000ms",
    "Unhandled exception: NullReferenceException in InventoryController.Sync",
    "LoginService returned 503 Service Unavailable, error {code}",
    "[ERROR] Matchmaker: ticket rejected ({code})",
    "GPU device removed: DXGI_ERROR_DEVICE_HUNG",
)
#: Tone lines: frustration (any category) and warmth (questions, feedback, other).
ANGRY: dict[str, str] = {
    "en": "this is ridiculous, I've spent hundreds on this game\nworst support ever, nobody answers\n"
    "honestly so done with this game\nwtf is going on with you guys\nunacceptable.",
    "de": "das ist eine Frechheit\nich bin echt sauer\nso ein Müll, ehrlich\n"
    "ich habe schon so viel Geld in das Spiel gesteckt",
    "fr": "c'est inadmissible\nje suis vraiment déçu\nc'est une honte\n"
    "j'ai dépensé des centaines d'euros dans ce jeu",
    "es": "esto es una vergüenza\nestoy harto de verdad\nes inaceptable\n"
    "me he gastado un montón de dinero en este juego",
    "pt": "isso é um absurdo\nestou muito decepcionado\nque palhaçada\n"
    "já gastei muito dinheiro nesse jogo",
}
FRIENDLY: dict[str, str] = {
    "en": "love the game btw\nyou guys are awesome\nkeep up the great work",
    "de": "ich liebe das Spiel übrigens\nihr seid super",
    "fr": "j'adore le jeu au passage\nvous êtes géniaux",
    "es": "me encanta el juego por cierto\nson geniales",
    "pt": "amo o jogo aliás\nvocês são demais",
}
#: Back-story lines that make some messages long, as real ones often are.
STORY: dict[str, str] = {
    "en": "I've been playing every day for two years and never had a problem until now.\n"
    "I already wrote to you last week and got an automatic answer, nothing else.\n"
    "I tried everything the forum suggested, cleared the cache, restarted the router, nothing.\n"
    "My friends and I play together every evening after work, so this matters to us.\n"
    "Sorry for my english, it's not my first language.",
    "de": "ich spiele seit zwei Jahren jeden Tag und hatte nie Probleme.\n"
    "ich habe euch letzte Woche schon geschrieben und nur eine automatische Antwort bekommen.\n"
    "habe alles aus dem Forum probiert, Cache geleert, Router neu gestartet, nichts.",
    "fr": "je joue tous les jours depuis deux ans et je n'avais jamais eu de souci.\n"
    "je vous ai déjà écrit la semaine dernière et j'ai juste eu une réponse automatique.\n"
    "j'ai tout essayé sur le forum, vidé le cache, redémarré la box, rien.",
    "es": "juego todos los días desde hace dos años y nunca tuve problemas.\n"
    "ya les escribí la semana pasada y solo recibí una respuesta automática.\n"
    "probé todo lo del foro, borré la caché, reinicié el router, nada.",
    "pt": "jogo todo dia há dois anos e nunca tive problema.\n"
    "já escrevi semana passada e só recebi resposta automática.\n"
    "tentei tudo do fórum, limpei o cache, reiniciei o roteador, nada.",
}
