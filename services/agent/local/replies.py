"""Draft replies from per-category templates, in the player's language where we have one.

The drafts acknowledge, say who looks at the case next and ask for what helps; they
never promise refunds, compensation or amounts (the output guard checks that too):
money decisions are taken by people, after the approval step.
"""

from __future__ import annotations

from schemas.tickets import Category, ExtractedFields, Urgency

REPLY_LANGUAGES = ("en", "de", "fr", "es", "pt")
DEFAULT_LANGUAGE = "en"

_GREETING = {"en": "Hi,", "de": "Hallo,", "fr": "Bonjour,", "es": "Hola:", "pt": "Olá,"}
_SIGNATURE = {
    "en": "Best regards,\nStarfall Player Support",
    "de": "Viele Grüße\nStarfall Spieler-Support",
    "fr": "Cordialement,\nLe support joueurs de Starfall",
    "es": "Un saludo,\nSoporte al jugador de Starfall",
    "pt": "Atenciosamente,\nSuporte ao jogador Starfall",
}
_BODY: dict[tuple[str, Category], str] = {
    ("en", "billing"): (
        "Thank you for contacting us about your purchase, and I'm sorry for the trouble. Our "
        "billing team will check the transaction with the store and get back to you once they "
        "have reviewed it. Please keep your receipt and don't buy the item again in the meantime."
    ),
    ("en", "account_access"): (
        "Thanks for reaching out about your account. For your security we can only make changes "
        "once we have confirmed you are the owner, so our account team will contact you about the "
        "next steps. Never share your password with anyone, including people claiming to be staff."
    ),
    ("en", "bug_report"): (
        "Thank you for the report. I've passed the details to our QA team so they can reproduce "
        "the problem. If it happens again, a screenshot or the game log and the time it happened "
        "would help a lot."
    ),
    ("en", "gameplay_question"): (
        "Thanks for your question! A member of our team will get back to you with the details. "
        "In the meantime, the in-game help (Menu > Help) answers many common questions."
    ),
    ("en", "abuse_report"): (
        "Thank you for letting us know, and I'm sorry you had to deal with this. Our Trust & "
        "Safety team will review the report. For privacy reasons we can't share what happens to "
        "other accounts. You can also block the player from their profile."
    ),
    ("en", "feedback"): (
        "Thank you for taking the time to share your feedback! I've forwarded it to the game "
        "team, who read player suggestions regularly."
    ),
    ("en", "other"): (
        "Thanks for getting in touch. This inbox handles player support for Starfall; I've passed "
        "your message on to the right team, who will reply if they can help."
    ),
    ("de", "billing"): (
        "danke, dass du dich wegen deines Kaufs meldest, und entschuldige die Umstände. Unser "
        "Zahlungsteam prüft die Transaktion mit dem Store und meldet sich, sobald es sie "
        "geprüft hat. Bitte bewahre deinen Beleg auf und kaufe den Artikel in der Zwischenzeit "
        "nicht erneut."
    ),
    ("de", "account_access"): (
        "danke für deine Nachricht zu deinem Konto. Zu deiner Sicherheit können wir erst etwas "
        "ändern, wenn wir bestätigt haben, dass es dein Konto ist; unser Account-Team meldet sich "
        "mit den nächsten Schritten. Gib dein Passwort niemals weiter, auch nicht an angebliche "
        "Mitarbeiter."
    ),
    ("de", "bug_report"): (
        "danke für deinen Bericht. Ich habe die Details an unser QA-Team weitergegeben, damit "
        "es das Problem nachstellen kann. Falls es wieder passiert, helfen uns ein Screenshot "
        "oder das Spiel-Log und die Uhrzeit sehr."
    ),
    ("de", "gameplay_question"): (
        "danke für deine Frage! Jemand aus unserem Team meldet sich mit den Details. Bis dahin "
        "beantwortet die Hilfe im Spiel (Menü > Hilfe) viele häufige Fragen."
    ),
    ("de", "abuse_report"): (
        "danke für deine Meldung, und es tut mir leid, dass du das erleben musstest. Unser "
        "Trust-&-Safety-Team prüft den Fall. Aus Datenschutzgründen können wir nicht sagen, was "
        "mit anderen Konten passiert. Du kannst den Spieler auch über sein Profil blockieren."
    ),
    ("de", "feedback"): (
        "danke, dass du dir die Zeit für dein Feedback genommen hast! Ich habe es an das "
        "Spieleteam weitergeleitet, das Vorschläge aus der Community regelmäßig liest."
    ),
    ("de", "other"): (
        "danke für deine Nachricht. Dieses Postfach ist für den Spieler-Support von Starfall; ich "
        "habe deine Nachricht an das zuständige Team weitergegeben, das sich meldet, wenn es "
        "helfen kann."
    ),
    ("fr", "billing"): (
        "Merci de nous avoir contactés au sujet de votre achat, et désolé pour le désagrément. "
        "Notre équipe facturation va vérifier la transaction auprès de la boutique et reviendra "
        "vers vous après examen. Gardez votre reçu et ne rachetez pas l'article en attendant."
    ),
    ("fr", "account_access"): (
        "Merci pour votre message concernant votre compte. Pour votre sécurité, nous ne pouvons "
        "rien modifier avant d'avoir confirmé que vous en êtes le propriétaire ; notre équipe "
        "comptes vous contactera pour la suite. Ne communiquez jamais votre mot de passe, même à "
        "une personne se présentant comme membre de l'équipe."
    ),
    ("fr", "bug_report"): (
        "Merci pour votre signalement. J'ai transmis les détails à notre équipe QA pour qu'elle "
        "reproduise le problème. Si cela se reproduit, une capture d'écran ou le journal du jeu et "
        "l'heure nous aideraient beaucoup."
    ),
    ("fr", "gameplay_question"): (
        "Merci pour votre question ! Un membre de l'équipe reviendra vers vous avec les détails. "
        "En attendant, l'aide en jeu (Menu > Aide) répond à beaucoup de questions fréquentes."
    ),
    ("fr", "abuse_report"): (
        "Merci de nous avoir prévenus, et désolé que vous ayez vécu cela. Notre équipe Trust & "
        "Safety va examiner le signalement. Pour des raisons de confidentialité, nous ne pouvons "
        "pas communiquer les mesures prises sur d'autres comptes. Vous pouvez aussi bloquer le "
        "joueur depuis son profil."
    ),
    ("fr", "feedback"): (
        "Merci d'avoir pris le temps de partager votre avis ! Je l'ai transmis à l'équipe du jeu, "
        "qui lit régulièrement les suggestions des joueurs."
    ),
    ("fr", "other"): (
        "Merci de nous avoir écrit. Cette adresse est celle du support joueurs de Starfall ; j'ai "
        "transmis votre message à l'équipe concernée, qui vous répondra si elle peut vous aider."
    ),
    ("es", "billing"): (
        "Gracias por escribirnos sobre tu compra y perdona las molestias. Nuestro equipo de pagos "
        "revisará la transacción con la tienda y te responderá cuando la haya comprobado. Guarda "
        "el recibo y no vuelvas a comprar el artículo mientras tanto."
    ),
    ("es", "account_access"): (
        "Gracias por escribirnos sobre tu cuenta. Por tu seguridad solo podemos hacer cambios "
        "cuando hayamos confirmado que eres el titular; nuestro equipo de cuentas se pondrá en "
        "contacto contigo con los siguientes pasos. Nunca compartas tu contraseña con nadie, "
        "tampoco con quien diga ser del equipo."
    ),
    ("es", "bug_report"): (
        "Gracias por el reporte. He pasado los detalles a nuestro equipo de QA para que pueda "
        "reproducir el problema. Si vuelve a pasar, una captura o el registro del juego y la hora "
        "nos ayudarían mucho."
    ),
    ("es", "gameplay_question"): (
        "¡Gracias por tu pregunta! Alguien de nuestro equipo te responderá con los detalles. "
        "Mientras tanto, la ayuda del juego (Menú > Ayuda) responde muchas dudas frecuentes."
    ),
    ("es", "abuse_report"): (
        "Gracias por avisarnos, y siento que hayas tenido que pasar por esto. Nuestro equipo de "
        "Trust & Safety revisará el reporte. Por privacidad no podemos compartir qué medidas se "
        "toman con otras cuentas. También puedes bloquear al jugador desde su perfil."
    ),
    ("es", "feedback"): (
        "¡Gracias por tomarte el tiempo de darnos tu opinión! La he enviado al equipo del juego, "
        "que lee las sugerencias de los jugadores con regularidad."
    ),
    ("es", "other"): (
        "Gracias por escribirnos. Este buzón es el soporte al jugador de Starfall; he pasado tu "
        "mensaje al equipo correspondiente, que te responderá si puede ayudarte."
    ),
    ("pt", "billing"): (
        "Obrigado por falar com a gente sobre sua compra, e desculpe o transtorno. Nossa equipe "
        "de pagamentos vai verificar a transação com a loja e retornar depois da análise. Guarde o "
        "comprovante e não compre o item de novo enquanto isso."
    ),
    ("pt", "account_access"): (
        "Obrigado pela mensagem sobre sua conta. Para sua segurança, só podemos fazer alterações "
        "depois de confirmar que você é o titular; nossa equipe de contas vai entrar em contato "
        "com os próximos passos. Nunca compartilhe sua senha com ninguém, nem com quem diz ser da "
        "equipe."
    ),
    ("pt", "bug_report"): (
        "Obrigado pelo relato. Passei os detalhes para nossa equipe de QA reproduzir o problema. "
        "Se acontecer de novo, um print ou o log do jogo e o horário ajudam muito."
    ),
    ("pt", "gameplay_question"): (
        "Obrigado pela pergunta! Alguém da nossa equipe vai responder com os detalhes. Enquanto "
        "isso, a ajuda do jogo (Menu > Ajuda) responde muitas dúvidas comuns."
    ),
    ("pt", "abuse_report"): (
        "Obrigado por avisar, e sinto muito que você tenha passado por isso. Nossa equipe de "
        "Trust & Safety vai analisar a denúncia. Por privacidade, não podemos informar o que "
        "acontece com outras contas. Você também pode bloquear o jogador pelo perfil dele."
    ),
    ("pt", "feedback"): (
        "Obrigado por dedicar um tempo para mandar sua opinião! Encaminhei para a equipe do jogo, "
        "que lê as sugestões dos jogadores regularmente."
    ),
    ("pt", "other"): (
        "Obrigado pelo contato. Este canal é o suporte ao jogador do Starfall; encaminhei sua "
        "mensagem para a equipe certa, que vai responder se puder ajudar."
    ),
}
_URGENT = {
    "en": "We have marked your request as urgent.",
    "de": "Wir haben deine Anfrage als dringend markiert.",
    "fr": "Nous avons marqué votre demande comme urgente.",
    "es": "Hemos marcado tu solicitud como urgente.",
    "pt": "Marcamos sua solicitação como urgente.",
}
#: Extra advice for critical tickets of a category (account takeover, safety).
_CRITICAL_ADVICE: dict[tuple[str, Category], str] = {
    ("en", "account_access"): (
        "If you can still reach the email address of your account, change its password now and "
        "turn on two-factor authentication."
    ),
    ("de", "account_access"): (
        "Wenn du noch Zugriff auf die E-Mail-Adresse deines Kontos hast, ändere jetzt deren "
        "Passwort und aktiviere die Zwei-Faktor-Authentifizierung."
    ),
    ("fr", "account_access"): (
        "Si vous avez encore accès à l'adresse mail de votre compte, changez son mot de passe dès "
        "maintenant et activez la double authentification."
    ),
    ("es", "account_access"): (
        "Si todavía puedes acceder al correo de tu cuenta, cambia su contraseña ahora y activa la "
        "verificación en dos pasos."
    ),
    ("pt", "account_access"): (
        "Se você ainda tem acesso ao email da sua conta, troque a senha dele agora e ative a "
        "verificação em duas etapas."
    ),
    ("en", "abuse_report"): (
        "If you or someone else is in immediate danger, please contact your local emergency "
        "services."
    ),
    ("de", "abuse_report"): (
        "Wenn du oder jemand anderes in unmittelbarer Gefahr ist, wende dich bitte an den "
        "örtlichen Notruf."
    ),
    ("fr", "abuse_report"): (
        "Si vous ou quelqu'un d'autre êtes en danger immédiat, contactez les services d'urgence."
    ),
    ("es", "abuse_report"): (
        "Si tú u otra persona estáis en peligro inmediato, contacta con los servicios de "
        "emergencia."
    ),
    ("pt", "abuse_report"): (
        "Se você ou outra pessoa estiver em perigo imediato, procure os serviços de emergência."
    ),
}
_REFERENCE = {
    "en": ("For reference, we noted: {}.", "order", "error", "platform", "mode"),
    "de": ("Zur Referenz haben wir notiert: {}.", "Bestellung", "Fehler", "Plattform", "Modus"),
    "fr": ("Pour référence, nous avons noté : {}.", "commande", "erreur", "plateforme", "mode"),
    "es": ("Como referencia, anotamos: {}.", "pedido", "error", "plataforma", "modo"),
    "pt": ("Para referência, anotamos: {}.", "pedido", "erro", "plataforma", "modo"),
}


def reply_language(language: str) -> str:
    return language if language in REPLY_LANGUAGES else DEFAULT_LANGUAGE


def _reference(language: str, extracted: ExtractedFields) -> str | None:
    sentence, order, error, platform, mode = _REFERENCE[language]
    items = [f"{order} {o}" for o in extracted.order_ids[:2]]
    items += [f"{error} {c}" for c in extracted.error_codes[:2]]
    if extracted.platform:
        items.append(f"{platform} {extracted.platform}")
    if extracted.game_mode:
        items.append(f"{mode} {extracted.game_mode}")
    return sentence.format(", ".join(items)) if items else None


def draft_reply(
    category: Category, urgency: Urgency, language: str, extracted: ExtractedFields
) -> str:
    """The draft in ``language`` (English when there is no template in it)."""
    lang = reply_language(language)
    paragraphs = [_GREETING[lang], _BODY[lang, category]]
    reference = _reference(lang, extracted)
    if reference:
        paragraphs.append(reference)
    if urgency == "critical":
        advice = _CRITICAL_ADVICE.get((lang, category))
        paragraphs.append(f"{_URGENT[lang]} {advice}" if advice else _URGENT[lang])
    paragraphs.append(_SIGNATURE[lang])
    return "\n\n".join(paragraphs)
