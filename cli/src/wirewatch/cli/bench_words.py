"""Word lists and sentence templates of the benchmark's generated corpus (``wirewatch bench``).

Written for the benchmark, not taken from any data set: real countries and large cities (so the gazetteer resolves
them and subscriptions by country have work), invented people, and news phrasing per kind of event with the words
the classifier keys on (clashes, protesters, earthquake, election, interest rates, outbreak).
"""

from __future__ import annotations

# (ISO code, country name, demonym, three large cities)
COUNTRIES: tuple[tuple[str, str, str, tuple[str, str, str]], ...] = (
    ("UA", "Ukraine", "Ukrainian", ("Kharkiv", "Odesa", "Dnipro")),
    ("SD", "Sudan", "Sudanese", ("Khartoum", "Omdurman", "Port Sudan")),
    ("FR", "France", "French", ("Lyon", "Marseille", "Toulouse")),
    ("BR", "Brazil", "Brazilian", ("Sao Paulo", "Rio de Janeiro", "Recife")),
    ("IN", "India", "Indian", ("Mumbai", "Chennai", "Kolkata")),
    ("JP", "Japan", "Japanese", ("Osaka", "Sapporo", "Fukuoka")),
    ("KE", "Kenya", "Kenyan", ("Nairobi", "Mombasa", "Kisumu")),
    ("MX", "Mexico", "Mexican", ("Guadalajara", "Monterrey", "Puebla")),
    ("TR", "Turkey", "Turkish", ("Istanbul", "Izmir", "Antakya")),
    ("ID", "Indonesia", "Indonesian", ("Jakarta", "Surabaya", "Medan")),
    ("NG", "Nigeria", "Nigerian", ("Lagos", "Kano", "Ibadan")),
    ("PH", "Philippines", "Philippine", ("Manila", "Cebu", "Davao")),
    ("PE", "Peru", "Peruvian", ("Lima", "Arequipa", "Cusco")),
    ("PK", "Pakistan", "Pakistani", ("Karachi", "Lahore", "Peshawar")),
    ("DE", "Germany", "German", ("Hamburg", "Munich", "Cologne")),
    ("CO", "Colombia", "Colombian", ("Bogota", "Medellin", "Cali")),
)

FIRST_NAMES = (
    "Amara", "Jonas", "Leila", "Tomas", "Ines", "Rafael", "Noor", "Kenji", "Adaeze", "Mateo", "Sofia", "Yusuf",
    "Hana", "Dmytro", "Camille", "Ravi", "Grace", "Omar", "Elena", "Tariq", "Lucia", "Kwame", "Mei", "Anders",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Silva", "Kovalenko", "Mensah", "Rahman", "Castillo",
    "Nakamura", "Adeyemi", "Petrov", "Dubois", "Sharma", "Mwangi", "Ortega", "Yilmaz", "Santoso", "Reyes",
)  # fmt: skip

OUTLETS = (
    "Daily Meridian", "Harbor Times", "Continental Wire", "Evening Ledger", "Global Dispatch", "Northern Post",
    "Capital Chronicle", "River Herald", "Coastal Tribune", "Morning Signal", "Plains Gazette", "Summit Review",
)  # fmt: skip

# kind -> (headline templates, story sentences); slots: {country} {demonym} {city} {city2} {person} {person2}
# {org} {n} {m} {pct} {weekday}
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "clashes": (
        ("Fighting erupts near {city} as {demonym} troops clash with rebels",
         "{n} killed in clashes around {city}, {country} officials say",
         "Heavy shelling reported in {city} as offensive enters {weekday}"),
        ("Troops and rebel fighters clashed on the outskirts of {city} on {weekday}, residents said.",
         "Officials in {country} said at least {n} people were killed and dozens wounded in the fighting.",
         "Artillery and drones struck positions along the front line east of {city2}.",
         "{person}, a spokesman for the armed forces, said the offensive would continue until the area was secured.",
         "Rebel commanders denied losing ground and accused the army of shelling residential districts.",
         "Hundreds of families fled {city} overnight, according to {org}.",
         "The clashes are the heaviest in the region since a ceasefire collapsed earlier this year.",
         "Hospitals in {city2} said they had received {m} wounded soldiers and civilians."),
    ),
    "protests": (
        ("Thousands protest in {city} over fuel prices",
         "Police fire tear gas at protesters in {city} as demonstrations spread",
         "{country} protests enter second week as unions join marches"),
        ("Thousands of protesters marched through the centre of {city} on {weekday} against rising fuel prices.",
         "Police fired tear gas and water cannon to disperse demonstrators near the parliament.",
         "Organisers said the protests would continue until the government reversed the price increase.",
         "{person}, a union leader, told the crowd that workers could no longer afford to travel to work.",
         "At least {n} people were arrested, the interior ministry said in a statement.",
         "Smaller demonstrations were reported in {city2} and several other towns.",
         "Shops along the main avenue closed early as the rally grew.",
         "{org} urged the authorities to respect the right to peaceful protest."),
    ),
    "earthquake": (
        ("Magnitude {m}.{n} earthquake strikes near {city}",
         "Rescue teams search rubble after earthquake hits {country}",
         "Death toll rises to {n} after quake near {city}"),
        ("A magnitude {m} earthquake struck near {city} early on {weekday}, the geological survey said.",
         "Buildings collapsed in the old town and rescue teams were searching the rubble for survivors.",
         "Officials said at least {n} people had died and the toll was expected to rise.",
         "Aftershocks rattled {city2} throughout the day, sending residents into the streets.",
         "{person}, the head of the disaster agency, said {m} hundred rescuers had been deployed.",
         "Power and water supplies were cut across much of the province.",
         "{org} said it was sending tents, blankets and medical supplies.",
         "Schools were closed and turned into shelters for families whose homes were damaged."),
    ),
    "election": (
        ("{person} declares victory in {country} presidential election",
         "{demonym} voters head to the polls in tight election",
         "Opposition disputes results of {country} vote"),
        ("Voters in {country} cast their ballots on {weekday} in a presidential election seen as a close race.",
         "{person} claimed victory late in the evening with {pct} percent of the vote counted.",
         "The opposition candidate, {person2}, said the count was flawed and called for a recount.",
         "Turnout was reported at {pct} percent, higher than in the last election.",
         "Election observers from {org} said voting was largely orderly.",
         "Supporters gathered in the main square of {city} to celebrate.",
         "The electoral commission is expected to announce final results within {n} days.",
         "Parliament will hold its first session after the results are certified."),
    ),
    "rates": (
        ("{country} central bank raises interest rates to {pct} percent",
         "{demonym} inflation slows as central bank holds rates",
         "Markets rally in {city} after rate decision"),
        ("The central bank of {country} raised its benchmark interest rate to {pct} percent on {weekday}.",
         "Governor {person} said inflation remained too high and further increases could not be ruled out.",
         "Consumer prices rose {n} percent in the year to last month, official figures showed.",
         "Shares on the stock exchange in {city} rose after the decision, while the currency firmed.",
         "Economists at {org} had expected a smaller increase.",
         "Exporters in {city2} warned that higher borrowing costs would hurt investment.",
         "The finance ministry said the budget deficit would narrow next year.",
         "Analysts said the bank was likely to pause at its next meeting."),
    ),
    "outbreak": (
        ("Cholera outbreak spreads in {city}, health ministry says",
         "{country} reports {n} new cholera cases as outbreak grows",
         "Health workers race to contain outbreak near {city}"),
        ("Health officials in {country} reported {n} new cases of cholera in and around {city} on {weekday}.",
         "The health ministry said {m} people had died since the outbreak began last month.",
         "{org} is sending vaccines and water purification tablets to the worst-hit districts.",
         "{person}, a doctor at the main hospital in {city2}, said wards were full.",
         "Authorities closed markets and urged residents to boil drinking water.",
         "The outbreak has been linked to flooding that contaminated wells.",
         "Clinics were set up in schools to treat patients with severe dehydration.",
         "Neighbouring countries stepped up health checks at border crossings."),
    ),
}  # fmt: skip

ORGS = (
    "the United Nations", "the Red Cross", "the World Health Organization", "the World Bank",
    "Doctors Without Borders", "the European Union", "the African Union", "Amnesty International",
)  # fmt: skip

# Sentences any story may carry: context, quotes and background that make articles long without new facts.
FILLER = (
    "The situation remained tense late on {weekday}, according to local media.",
    "{person2}, an analyst based in {city2}, said the coming days would be decisive.",
    "Residents described a long night of uncertainty and said they were waiting for official information.",
    "The government has promised an inquiry into how the authorities responded.",
    "Reporters were unable to independently verify all of the figures given by officials.",
    "The events drew statements of concern from several foreign governments.",
    "Local radio stations interrupted their programmes to broadcast updates.",
    "Officials said more details would be released at a news conference in {city}.",
    "The region has a population of about {m} million people.",
    "Transport links between {city} and {city2} were disrupted for several hours.",
    "Community leaders called for calm and asked people to follow official guidance.",
    "It was not immediately clear how long the disruption would last.",
)

# Rewrites swap these words, as an editor paraphrasing a wire story would.
SYNONYMS = {
    "said": "stated",
    "officials": "authorities",
    "people": "residents",
    "reported": "announced",
    "several": "a number of",
    "about": "around",
    "began": "started",
    "warned": "cautioned",
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
