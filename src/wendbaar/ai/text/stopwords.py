"""Function words that say nothing about what a text is about, in Dutch and English.

Written for Wendbaar's texts (minutes, mails, tickets): besides articles, pronouns and auxiliaries
they hold the filler of meetings and mails ("graag", "even", "please", "thanks").
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DUTCH = _words(
    """
    aan aangaande aangezien achter af afgelopen al aldaar aldus alhoewel alle allebei alleen alles
    als alsnog altijd andere anders ben bent beide ben bij bijna bijv binnen boven bovendien bv
    daar daarheen daarin daarna daarom daarop daarvan dan dat de deze die dik dit doch doen doet
    door doorgaans dus echter een eens eerder eerst eigen en enige enkel enkele er erg ervan
    even evenwel gauw ge gedurende geen gehad geweest gekund gemoeten geworden gewoon graag
    haar had hadden heb hebben hebt heeft hem hen het hier hij hoe hoewel hun iemand iets ik in
    inmiddels is ja je jij jou jouw jullie kan kon konden kun kunnen kunt laat laatste later
    liever maar me meer meest men met mij mijn misschien moest moesten moet moeten mogen na
    naar nadat natuurlijk net niet niets nog nogal nu of ofwel om omdat ondanks onder ons onze
    ook op over pas per precies reeds rond rondom sinds sindsdien slechts sommige soms steeds
    te tegen terwijl tijdens toch toe toen tot tussen u uit uw van vanaf vanuit veel verder
    vervolgens via vooral voor vooraf voordat vrij waar waarom wanneer want waren was wat we
    weer wel welk welke werd werden wie wier wij wil willen wilt word worden wordt zal ze zei
    zelf zich zij zijn zo zoals zodat zonder zou zouden zullen zult hallo hoi dag groet groeten
    groetjes beste bedankt dank dankjewel dankuwel alvast vriendelijke mvg gr svp aub oke oké
    prima goed nee jawel hè toch eigenlijk echt heel helemaal wellicht ongeveer zeker even ergens
    iedereen ieder iedere elke elk welke zowel hierbij hierin hiervan hiermee daarmee daarbij
    waarbij waarin waarvan waarmee waardoor daardoor zoveel weinig minder mee mogelijk moeilijk
    nodig uur keer stuk stuks langs volgende vorige komende aanstaande deze dezelfde hetzelfde alstublieft alsjeblieft zeggen gezegd zegt gaan gaat ging gingen
    komen komt kwam kwamen staan staat stond zien ziet zag kijken maken maakt maakte gemaakt
    """
)

ENGLISH = _words(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can cannot could couldn't did didn't do does doesn't
    doing don't down during each either else ever every few for from further get gets got had
    hadn't has hasn't have haven't having he her here hers herself him himself his how however i
    if in into is isn't it it's its itself just let like made make many may me might more most
    much must my myself need no nor not now of off often on once only or other ought our ours
    ourselves out over own per perhaps please quite rather really same say said says she should
    shouldn't since so some still such than thank thanks that that's the their theirs them
    themselves then there there's these they this those though through thus to too under until
    up upon us very via was wasn't we well were weren't what when where whether which while who
    whom whose why will with within without won't would wouldn't yes yet you your yours yourself
    yourselves hi hello dear regards best kind cheers ok okay sure maybe also anyway etc e.g
    i.e going go goes went come comes came see sees saw look looks take takes took want wants
    one two three lot lots thing things something anything everything nothing someone anyone
    next last previous coming
    everyone today tomorrow yesterday week weeks day days month months year years time times
    """
)

ALL = DUTCH | ENGLISH
