/**
 * Every agent-facing text and every default customer-facing message, in en and pt-BR.
 * Variables are written {name}; `t` fills them and leaves unknown ones visible.
 */

export type Locale = 'en' | 'pt-BR';

const en = {
  'status.pending': 'Pending',
  'status.open': 'Open',
  'status.resolved': 'Resolved',
  'card.title': '{customer} on {channel}',
  'card.protocol': 'Protocol',
  'card.status': 'Status',
  'card.department': 'Department',
  'card.assignee': 'Assignee',
  'card.phone': 'Phone',
  'card.unassigned': 'Unassigned',
  'card.previous': 'Previous ticket: {protocol}',
  'card.fallback': 'Ticket {protocol}: {customer} on {channel} ({status})',
  'card.accept': 'Accept',
  'card.resolve': 'Resolve',
  'card.resolve_confirm_title': 'Resolve this ticket?',
  'card.resolve_confirm_text': 'The customer gets the farewell message, if one is set. Their next message opens a new ticket.',
  'card.resolve_confirm_yes': 'Resolve',
  'card.cancel': 'Cancel',
  'thread.resolved': 'Ticket {protocol} resolved by {agent}. The next message from this customer opens a new ticket.',
  'thread.accepted': '{agent} accepted this ticket.',
  'transfer.left': 'Transferred to *{department}* by {agent}{why}. The conversation continues in that department’s channel.',
  'transfer.arrived': 'Transferred here from *{department}* by {agent}{why}. It is pending: accept it to answer.',
  'transfer.reason': ': “{reason}”',
  'transfer.to_agent': '{agent} transferred this ticket to {target}.',
  'transfer.same_department': 'Nothing changed: this ticket is already in *{department}*.',
  'transfer.already_theirs': 'Nothing changed: this ticket is already {target}’s.',
  'transfer.confirm': 'This ticket is {holder}’s. To give it to {target} anyway, write the same command with `confirm` at the end.',
  'transfer.usage': 'Usage: `!transfer #channel [reason]` (a department’s channel), `!transfer <department name>`, or `!transfer @person`.',
  'transfer.unknown_department': 'No department gets its tickets in that channel, and none is called “{name}”. `/ponte department list` shows them.',
  'transfer.unknown_agent': 'Ponte could not look up that person; nothing changed.',
  'thread.returned': '{agent} returned this ticket to the queue: it is pending again, and anyone can accept it.',
  'thread.unknown_command': 'Unknown command `{command}`. Nothing was sent to the customer. Commands here: `!note <text>` (or `// <text>`), `!accept`, `!return`, `!transfer`, `!resolve [silent]`, `!!shortcut`.',
  'thread.files_not_sent': 'Files are not sent to customers yet: only the text of your message was relayed. Share a link instead.',
  'thread.closed_ticket': 'This ticket is already resolved; nothing was sent. The customer’s next message opens a new ticket.',
  'delivery.failed': 'Not delivered to the customer: {reason}',
  'delivery.uncertain': 'Delivery uncertain: {reason}. The customer may or may not have received this message; send it again only if needed.',
  'delivery.gave_up': 'gave up after {attempts} attempts ({reason})',
  'delivery.interrupted': 'the service restarted while this message was being sent',
  'transition.rejected': 'Nothing changed: this ticket is already {status}{by}.',
  'transition.by': ' by {agent}',
  'admin.refused': 'Sorry, only Ponte admins can change the configuration. Ask an admin to run this for you.',
  'admin.unknown': 'Unknown command `{command}`. Try `/ponte help`.',
  'admin.help':
    '*Ponte commands*\n' +
    '`/ponte connect whatsapp <phone_number_id> [#channel]`: route a WhatsApp number to a channel (admins)\n' +
    '`/ponte message <accept|transfer|farewell> <text|off>`: what customers get when a ticket is accepted, transferred or resolved (admins)\n' +
    '`/ponte quickreply add|remove|list`: quick replies, sent with `!!shortcut` in a thread (add/remove: admins)\n' +
    '`/ponte department add|remove|list`: departments and their channels (add/remove: admins)\n' +
    '`/ponte status`: connections, queues and unrouted traffic\n' +
    '`/ponte tickets [pending|mine|open|all] [#department] [@agent] [oldest]`: find work\n' +
    '`/ponte search <name|phone|protocol>`: find a ticket\n' +
    '`/ponte help`: this list\n' +
    '*In a ticket thread*: write to reply to the customer (signed with your name); `!note <text>` or `// <text>` for an internal note; `!accept`; `!return`; `!transfer #channel|@person`; `!resolve [silent]`; `!!shortcut`.',
  'connect.usage': 'Usage: `/ponte connect whatsapp <phone_number_id> [#channel]`',
  'connect.bad_kind': '`{kind}` is not a channel Ponte can connect yet. Available: whatsapp.',
  'connect.bad_account': '`{account}` does not look like a WhatsApp phone number id (digits only, from Meta’s WhatsApp Manager).',
  'connect.bad_channel': 'Pick the channel from Slack’s autocomplete (type `#` and choose it), so Ponte gets its id.',
  'connect.done': 'WhatsApp number `{account}` now opens tickets in <#{channel}>.',
  'connect.moved': 'WhatsApp number `{account}` moved to <#{channel}> (it was in <#{previous}>). Open tickets keep their threads.',
  'message.usage': 'Usage: `/ponte message <accept|transfer|farewell> <text>` (or `off`). Variables: {name}, {agent}, {protocol}, {department}.',
  'message.set': 'The {kind} message is now:\n>{text}',
  'message.cleared': 'The {kind} message is off: none is sent.',
  'message.current': '*Customer messages* (sent when a ticket is accepted, transferred to a department, or resolved)',
  'message.none': '_off_',
  'quickreply.usage': 'Usage: `/ponte quickreply add <shortcut> <text>`, `/ponte quickreply remove <shortcut>`, `/ponte quickreply list`. In a thread, `!!<shortcut>` sends it; variables: {name}, {agent}, {protocol}, {department}.',
  'quickreply.none': 'No quick replies yet. An admin can add one: `/ponte quickreply add prices Our prices: …`',
  'quickreply.title': '*Quick replies* (write `!!shortcut` in a ticket thread)',
  'quickreply.bad_shortcut': '`{shortcut}` cannot be a shortcut: use up to 32 lower-case letters, digits, - or _.',
  'quickreply.saved': 'Saved. `!!{shortcut}` in a ticket thread now sends it.',
  'quickreply.removed': 'Removed `!!{shortcut}`.',
  'quickreply.unknown': 'There is no quick reply `!!{shortcut}`.',
  'thread.unknown_quickreply': 'There is no quick reply `!!{shortcut}`; nothing was sent. `/ponte quickreply list` shows them.',
  'department.usage': 'Usage: `/ponte department add <name> [#channel]`, `/ponte department remove <name>`, `/ponte department list`.',
  'department.title': '*Departments* (`!transfer #channel` in a ticket thread moves the ticket there)',
  'department.default': 'default',
  'department.saved': 'Department *{name}* now gets its tickets in <#{channel}>.',
  'department.removed': 'Department *{name}* removed.',
  'department.unknown': 'There is no department *{name}*.',
  'department.default_kept': 'The default department cannot be removed.',
  'department.busy': 'Department *{name}* has tickets or connections; it stays.',
  'tickets.title': '*Tickets* ({count}):',
  'tickets.none': 'No tickets match.',
  'tickets.unknown_filter': '`{filter}` is not a filter I know. Use pending, mine, open or all; a department (its #channel or name); an @agent; whatsapp; oldest.',
  'search.usage': 'Usage: `/ponte search <name | phone | protocol>`',
  'search.title': '*Tickets matching “{query}”* ({count}):',
  'search.none': 'No ticket matches “{query}”.',
  'status.title': '*Ponte status*',
  'status.connections': '*Connections*',
  'status.no_connections': 'No connections yet. An admin can run `/ponte connect whatsapp <phone_number_id> #channel`.',
  'status.connection_line': '• {channel} `{account}` → <#{destination}> ({health})',
  'status.healthy': 'healthy',
  'status.unhealthy': 'unhealthy: {reason}',
  'status.tickets': '*Tickets*: {pending} pending, {open} open',
  'status.outbox': '*Outgoing*: {queued} queued, {failed} failed in the last 24 h',
  'status.unrouted': '*Unrouted traffic* (messages to accounts that are not connected; connect them to see these):',
  'status.unrouted_line': '• {channel} `{account}`: {count} event(s), last {last}',
  'status.rejected': '*Rejected deliveries* in the last 24 h: {count}',
} as const;

export type MessageKey = keyof typeof en;

const ptBR: Record<MessageKey, string> = {
  'status.pending': 'Pendente',
  'status.open': 'Em atendimento',
  'status.resolved': 'Resolvido',
  'card.title': '{customer} no {channel}',
  'card.protocol': 'Protocolo',
  'card.status': 'Status',
  'card.department': 'Setor',
  'card.assignee': 'Atendente',
  'card.phone': 'Telefone',
  'card.unassigned': 'Sem atendente',
  'card.previous': 'Ticket anterior: {protocol}',
  'card.fallback': 'Ticket {protocol}: {customer} no {channel} ({status})',
  'card.accept': 'Aceitar',
  'card.resolve': 'Resolver',
  'card.resolve_confirm_title': 'Resolver este ticket?',
  'card.resolve_confirm_text': 'O cliente recebe a mensagem de despedida, se houver uma. A próxima mensagem dele abre um novo ticket.',
  'card.resolve_confirm_yes': 'Resolver',
  'card.cancel': 'Cancelar',
  'thread.resolved': 'Ticket {protocol} resolvido por {agent}. A próxima mensagem deste cliente abre um novo ticket.',
  'thread.accepted': '{agent} aceitou este ticket.',
  'transfer.left': 'Transferido para *{department}* por {agent}{why}. A conversa continua no canal desse setor.',
  'transfer.arrived': 'Transferido para cá de *{department}* por {agent}{why}. Está pendente: aceite para responder.',
  'transfer.reason': ': “{reason}”',
  'transfer.to_agent': '{agent} transferiu este ticket para {target}.',
  'transfer.same_department': 'Nada mudou: este ticket já está em *{department}*.',
  'transfer.already_theirs': 'Nada mudou: este ticket já é de {target}.',
  'transfer.confirm': 'Este ticket é de {holder}. Para passá-lo a {target} mesmo assim, escreva o mesmo comando com `confirm` no final.',
  'transfer.usage': 'Uso: `!transfer #canal [motivo]` (o canal de um setor), `!transfer <nome do setor>` ou `!transfer @pessoa`.',
  'transfer.unknown_department': 'Nenhum setor recebe tickets nesse canal, e nenhum se chama “{name}”. `/ponte department list` mostra os setores.',
  'transfer.unknown_agent': 'O Ponte não conseguiu identificar essa pessoa; nada mudou.',
  'thread.returned': '{agent} devolveu este ticket para a fila: ele está pendente de novo e qualquer um pode aceitá-lo.',
  'thread.unknown_command': 'Comando desconhecido `{command}`. Nada foi enviado ao cliente. Comandos aqui: `!note <texto>` (ou `// <texto>`), `!accept`, `!return`, `!transfer`, `!resolve [silent]`, `!!shortcut`.',
  'thread.files_not_sent': 'Arquivos ainda não são enviados aos clientes: só o texto da sua mensagem foi repassado. Compartilhe um link.',
  'thread.closed_ticket': 'Este ticket já está resolvido; nada foi enviado. A próxima mensagem do cliente abre um novo ticket.',
  'delivery.failed': 'Não entregue ao cliente: {reason}',
  'delivery.uncertain': 'Entrega incerta: {reason}. O cliente pode ou não ter recebido esta mensagem; envie de novo só se for preciso.',
  'delivery.gave_up': 'desistimos após {attempts} tentativas ({reason})',
  'delivery.interrupted': 'o serviço reiniciou enquanto esta mensagem era enviada',
  'transition.rejected': 'Nada mudou: este ticket já está {status}{by}.',
  'transition.by': ' por {agent}',
  'admin.refused': 'Desculpe, só administradores do Ponte podem mudar a configuração. Peça a um administrador para fazer isso.',
  'admin.unknown': 'Comando desconhecido `{command}`. Tente `/ponte help`.',
  'admin.help':
    '*Comandos do Ponte*\n' +
    '`/ponte connect whatsapp <phone_number_id> [#canal]`: direciona um número de WhatsApp para um canal (administradores)\n' +
    '`/ponte message <accept|transfer|farewell> <texto|off>`: o que o cliente recebe quando o ticket é aceito, transferido ou resolvido (administradores)\n' +
    '`/ponte quickreply add|remove|list`: respostas rápidas, enviadas com `!!atalho` na thread (add/remove: administradores)\n' +
    '`/ponte department add|remove|list`: setores e seus canais (add/remove: administradores)\n' +
    '`/ponte status`: conexões, filas e tráfego sem destino\n' +
    '`/ponte tickets [pending|mine|open|all] [#setor] [@atendente] [oldest]`: encontrar trabalho\n' +
    '`/ponte search <nome|telefone|protocolo>`: encontrar um ticket\n' +
    '`/ponte help`: esta lista\n' +
    '*Na thread de um ticket*: escreva para responder ao cliente (assinado com seu nome); `!note <texto>` ou `// <texto>` para nota interna; `!accept`; `!return`; `!transfer #channel|@person`; `!resolve [silent]`; `!!shortcut`.',
  'connect.usage': 'Uso: `/ponte connect whatsapp <phone_number_id> [#canal]`',
  'connect.bad_kind': '`{kind}` ainda não é um canal que o Ponte conecta. Disponível: whatsapp.',
  'connect.bad_account': '`{account}` não parece um phone number id do WhatsApp (só dígitos, do WhatsApp Manager da Meta).',
  'connect.bad_channel': 'Escolha o canal pelo autocompletar do Slack (digite `#` e selecione), para o Ponte receber o id dele.',
  'connect.done': 'O número de WhatsApp `{account}` agora abre tickets em <#{channel}>.',
  'connect.moved': 'O número de WhatsApp `{account}` mudou para <#{channel}> (estava em <#{previous}>). Tickets abertos mantêm suas threads.',
  'message.usage': 'Uso: `/ponte message <accept|transfer|farewell> <texto>` (ou `off`). Variáveis: {name}, {agent}, {protocol}, {department}.',
  'message.set': 'A mensagem de {kind} agora é:\n>{text}',
  'message.cleared': 'A mensagem de {kind} está desligada: nenhuma é enviada.',
  'message.current': '*Mensagens ao cliente* (enviadas quando um ticket é aceito, transferido para um setor ou resolvido)',
  'message.none': '_desligada_',
  'quickreply.usage': 'Uso: `/ponte quickreply add <atalho> <texto>`, `/ponte quickreply remove <atalho>`, `/ponte quickreply list`. Na thread, `!!<atalho>` envia a resposta; variáveis: {name}, {agent}, {protocol}, {department}.',
  'quickreply.none': 'Ainda não há respostas rápidas. Um administrador pode criar: `/ponte quickreply add precos Nossos preços: …`',
  'quickreply.title': '*Respostas rápidas* (escreva `!!atalho` na thread de um ticket)',
  'quickreply.bad_shortcut': '`{shortcut}` não pode ser um atalho: use até 32 letras minúsculas, dígitos, - ou _.',
  'quickreply.saved': 'Salvo. `!!{shortcut}` na thread de um ticket agora envia esta resposta.',
  'quickreply.removed': '`!!{shortcut}` removido.',
  'quickreply.unknown': 'Não existe a resposta rápida `!!{shortcut}`.',
  'thread.unknown_quickreply': 'Não existe a resposta rápida `!!{shortcut}`; nada foi enviado. `/ponte quickreply list` mostra as que existem.',
  'department.usage': 'Uso: `/ponte department add <nome> [#canal]`, `/ponte department remove <nome>`, `/ponte department list`.',
  'department.title': '*Setores* (`!transfer #canal` na thread de um ticket o transfere para lá)',
  'department.default': 'padrão',
  'department.saved': 'O setor *{name}* agora recebe seus tickets em <#{channel}>.',
  'department.removed': 'Setor *{name}* removido.',
  'department.unknown': 'Não existe o setor *{name}*.',
  'department.default_kept': 'O setor padrão não pode ser removido.',
  'department.busy': 'O setor *{name}* tem tickets ou conexões; ele fica.',
  'tickets.title': '*Tickets* ({count}):',
  'tickets.none': 'Nenhum ticket encontrado.',
  'tickets.unknown_filter': '`{filter}` não é um filtro conhecido. Use pending, mine, open ou all; um setor (seu #canal ou nome); um @atendente; whatsapp; oldest.',
  'search.usage': 'Uso: `/ponte search <nome | telefone | protocolo>`',
  'search.title': '*Tickets que batem com “{query}”* ({count}):',
  'search.none': 'Nenhum ticket bate com “{query}”.',
  'status.title': '*Status do Ponte*',
  'status.connections': '*Conexões*',
  'status.no_connections': 'Nenhuma conexão ainda. Um administrador pode rodar `/ponte connect whatsapp <phone_number_id> #canal`.',
  'status.connection_line': '• {channel} `{account}` → <#{destination}> ({health})',
  'status.healthy': 'saudável',
  'status.unhealthy': 'com problema: {reason}',
  'status.tickets': '*Tickets*: {pending} pendentes, {open} em atendimento',
  'status.outbox': '*Saída*: {queued} na fila, {failed} com falha nas últimas 24 h',
  'status.unrouted': '*Tráfego sem destino* (mensagens para contas não conectadas; conecte-as para vê-las):',
  'status.unrouted_line': '• {channel} `{account}`: {count} evento(s), último em {last}',
  'status.rejected': '*Entregas rejeitadas* nas últimas 24 h: {count}',
};

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'pt-BR': ptBR };

export function t(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = catalogs[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function isLocale(value: string): value is Locale {
  return value === 'en' || value === 'pt-BR';
}
