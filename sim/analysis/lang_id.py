"""The report's words in Bahasa Indonesia (``--lang id``). Same keys as :mod:`.lang_en`."""

ID = {
    # angka dan satuan
    "na": "t.a.",
    "pp": "poin",
    "pp_long": "poin persentase",
    "years": "tahun",
    "years_unit": "tahun",
    "rp_scales": "rb|jt|M|T",
    "rp_space": " ",
    # halaman
    "page_title": "{title}: laporan msme-sim",
    "subtitle": "Laporan eksperimen msme-sim",
    "version": "versi {version}",
    "no_question": "(experiment.yaml tidak memuat pertanyaan)",
    "h_decision": "Jawaban sekilas",
    "h_findings": "Apa kata hasilnya",
    "h_arms": "Skenario dan opsi kebijakan",
    "h_effects": "Dampak pada hasil utama",
    "h_cost": "Efektivitas biaya",
    "h_figures": "Grafik",
    "h_sensitivity": "Sensitivitas",
    "h_method": "Metode",
    "h_caveats": "Keterbatasan",
    "filter": "Saring baris",
    "filter_hint": "Klik judul kolom untuk mengurutkan; ketik untuk menyaring.",
    "reference_role": " (pembanding)",
    "nothing_changed": "tidak ada (skenario dasar)",
    "ci_includes_zero": "SK mencakup 0",
    "clear": "jelas",
    # tabel keputusan
    "d_outcome": "Hasil",
    "d_arm": "Opsi",
    "d_value": "Nilai",
    "d_effect": "Dampak dibanding {reference}",
    "d_ci": "SK 95% (berpasangan)",
    "d_holm": "Signifikan (Holm)",
    "d_standing": "Posisi",
    "d_spend": "Belanja kebijakan",
    "d_cost": "Biaya tambahan per satuan",
    "best": "terbaik",
    "tied": "setara",
    "below": "ke-{rank}",
    "no_direction": "tanpa arah lebih baik",
    "holm_yes": "ya",
    "holm_no": "tidak",
    "per_pp": "per poin",
    "per_k": "per Rp 1.000",
    "per_unit": "per {unit}",
    "no_gain": "tanpa kenaikan",
    "no_extra": "tanpa belanja tambahan",
    "decision_note": (
        "Opsi yang selang kepercayaan 95% berpasangannya terhadap opsi terbaik mencakup nol "
        "ditampilkan setara dengan opsi terbaik, bukan diberi peringkat di bawahnya. Holm: "
        "signifikan setelah uji-t berpasangan atas seluruh {n} perbandingan dalam tabel ini "
        "(setiap hasil yang ditanyakan × setiap opsi terhadap {reference}) dikoreksi untuk "
        "perbandingan berganda, sehingga peluang sinyal palsu tetap 5%. Belanja kebijakan adalah "
        "rata-rata antarreplikasi; biaya tambahan per satuan membagi belanja tambahan "
        "dibanding {reference} dengan rata-rata kenaikan."
    ),
    "asked": "Hasil yang ditanyakan: {outcomes}.",
    "main_outcome": "hasil utama",
    # tabel opsi
    "a_arm": "Opsi",
    "a_description": "Keterangan",
    "a_changes": "Yang diubah",
    "a_runs": "Simulasi selesai",
    "arms_intro": (
        "Skenario dasar: {scenario}. Replikasi per opsi: {replications}. Benih acak "
        "eksperimen: {seed}. Hasil yang ditanyakan: {outcomes}."
    ),
    # tabel dampak
    "e_outcome": "Hasil",
    "e_arm": "Opsi",
    "e_arm_value": "Nilai opsi",
    "e_diff": "Selisih",
    "e_ci_paired": "SK 95% berpasangan",
    "e_ci_unpaired": "SK 95% tidak berpasangan",
    "e_better": "Lebih baik di",
    "e_pairs": "Pasangan",
    "effects_note": (
        "Pangsa dalam poin persentase (poin). Selang berpasangan membandingkan setiap replikasi "
        "dengan replikasi yang sama pada opsi pembanding; selang tidak berpasangan (Welch) "
        "mengabaikan pasangan itu dan ditampilkan agar manfaat bilangan acak bersama terlihat. "
        "Semua hasil ada di effects.csv."
    ),
    # tabel biaya
    "c_measure": "Ukuran",
    "c_arm": "Opsi",
    "c_extra": "Belanja tambahan",
    "c_per_bn": "Per Rp 1 M",
    "c_ci": "SK 95%",
    "c_unit": "Satuan",
    "no_spend": "Tidak ada belanja kebijakan yang tercatat, jadi efektivitas biaya tidak dihitung.",
    # kalimat
    "only_one_arm": "Hanya satu opsi ({arm}) yang selesai, jadi tidak ada yang dibandingkan.",
    "not_paired": "{arm}: tidak ada replikasi yang dapat dipasangkan dengan {reference}.",
    "raised": "{arm} menaikkan {noun} sebesar {diff}",
    "lowered": "{arm} menurunkan {noun} sebesar {diff}",
    "changed": "{arm} mengubah {noun} sebesar {diff}",
    "ci_part": " (SK 95% {low} s.d. {high})",
    "relative_to": " dibanding {reference}",
    "better_in": ", lebih baik di {share} replikasi",
    "could_be_chance": " Selangnya mencakup nol, jadi selisih ini bisa saja kebetulan.",
    "interval": "{low} s.d. {high}",
    "spent_nothing": (
        "{arm} tidak membelanjakan lebih dari {reference}, jadi tidak ada biaya per satuan "
        "kenaikan."
    ),
    "spent_more": "{arm} membelanjakan {spend} lebih banyak dari {reference}: {value} {unit} "
    "per Rp 1 M",
    "failed_runs": "{n} simulasi gagal dan tidak dipakai dalam perbandingan mana pun.",
    "underspent": (
        "{arm} membelanjakan {spent} dari anggaran {budget} ({share}): sasarannya tidak dapat "
        "menyerap sisanya, jadi opsi ini bukan perbandingan dengan belanja yang sama dan tidak "
        "diberi angka per Rp 1 M."
    ),
    "dropped": (
        "{arm}: {n} replikasi tidak memiliki simulasi selesai pada opsi ini atau pembanding dan "
        "dikeluarkan dari perbandingannya."
    ),
    "sensitivity_failed": "Analisis sensitivitas tidak dapat dihitung: {error}",
    # ukuran biaya
    "m_firms_alive": "Usaha yang terselamatkan per Rp 1 M",
    "m_survival_rate": "Poin kelangsungan per Rp 1 M",
    "m_digital_share": "Poin adopsi per Rp 1 M",
    "m_poor_owner_mean_income_idr": "Kenaikan pendapatan pemilik miskin per Rp 1 M",
    "u_firms": "usaha",
    "u_percentage points": "poin persentase",
    "u_Rp/month per poor owner": "Rp/bulan per pemilik miskin",
    "u_Rp/month": "Rp/bulan",
    "u_Rp/unit": "Rp/satuan",
    "u_workers": "pekerja",
    "u_partnerships": "kemitraan",
    "u_share": "pangsa",
    # grafik
    "f_traj_alt": "Lintasan hasil per opsi",
    "f_traj_title": "Lintasan: median dan rentang 5-95% antarreplikasi",
    "f_traj_caption": (
        "Garis adalah median antarreplikasi; pita berbayang memuat 90% replikasi di tengah "
        "(persentil ke-5 hingga ke-95)."
    ),
    "f_adopt_alt": "Adopsi per tingkat digital per opsi",
    "f_adopt_title": "Adopsi digital per tingkat",
    "f_adopt_caption": (
        "Pangsa usaha yang masih hidup yang luring (tingkat 0), memakai aplikasi pesan seperti "
        "WhatsApp (tingkat 1) dan memakai media sosial atau lokapasar (tingkat 2)."
    ),
    "f_forest_alt": "Diagram hutan dampak",
    "f_forest_title": "Dampak dibanding pembanding: SK 95% berpasangan (warna), tidak berpasangan "
    "(abu-abu)",
    "f_forest_caption": (
        "Selisih dari opsi pembanding: titik = rata-rata selisih berpasangan, batang berwarna = "
        "SK 95% berpasangan, batang abu-abu = SK 95% tidak berpasangan (Welch). Batang yang "
        "melewati garis nol putus-putus bisa saja kebetulan."
    ),
    "f_ce_alt": "Batang efektivitas biaya",
    "f_ce_title": "Efektivitas biaya (berpasangan antarreplikasi, SK 95%)",
    "f_ce_caption": (
        "Kenaikan hasil per Rp 1 M belanja kebijakan tambahan dibanding pembanding, dengan SK 95%."
    ),
    "f_ce_xlabel": "{unit} per Rp 1 M belanja tambahan",
    "f_no_extra": "tanpa belanja tambahan",
    "f_underspent": "anggaran tidak terserap penuh",
    "f_dist_alt": "Sebaran pendapatan dan ukuran usaha",
    "f_dist_title": "Sebaran pada akhir simulasi",
    "f_dist_caption": (
        "Usaha yang masih hidup pada akhir simulasi (digabung dari paling banyak 20 replikasi "
        "per opsi): pendapatan pemilik sebagai pangsa kumulatif, ukuran usaha menurut jumlah "
        "pekerja."
    ),
    "f_income_title": "Pendapatan pemilik, usaha hidup (kumulatif)",
    "f_income_ylabel": "pangsa usaha pada atau di bawah",
    "f_size_title": "Ukuran usaha, usaha hidup",
    "f_workers": "pekerja",
    "f_share_firms": "pangsa usaha",
    "f_sweep_alt": "Sapuan atas {param}",
    "f_sweep_caption": "Rata-rata {noun} (dengan SK 95% antarsimulasi) untuk setiap nilai {param}.",
    "f_sweep_title": "{label} menurut {param}",
    "f_sens_alt": "Indeks sensitivitas {method}",
    "f_sens_caption": (
        "Sensitivitas {method} dari {noun} terhadap parameter yang divariasikan (opsi pembanding)."
    ),
    "f_sens_title": "Sensitivitas hasil terhadap parameter yang divariasikan",
    "f_mu_star": "mu* (pengaruh keseluruhan)",
    "f_sigma": "sigma (interaksi)",
    "f_morris_x": "efek elementer pada {label}",
    "f_morris_title": "Penyaringan Morris",
    "f_s1": "S1 (orde pertama)",
    "f_st": "ST (total)",
    "f_sobol_x": "pangsa ragam {label}",
    "f_sobol_title": "Indeks Sobol (SK 95%)",
    "f_month": "bulan",
    "f_difference": "selisih",
    "f_difference_unit": "selisih, {unit}",
    "f_higher_better": "(makin tinggi makin baik)",
    "f_lower_better": "(makin rendah makin baik)",
    "f_percent": "%",
    # belanja dan siapa yang diuntungkan, siapa yang dirugikan (report/distribution.py)
    "sp_h": "Belanja: realisasi terhadap anggaran",
    "sp_budget": "Anggaran",
    "sp_spent": "Realisasi",
    "sp_discounted": "Realisasi, didiskonto {rate}% per tahun",
    "sp_share": "Realisasi / anggaran",
    "sp_below": (
        "Realisasi belanja di bawah {threshold} anggaran: {arms}. Opsi ini bukan perbandingan "
        "dengan belanja yang sama, dan efektivitas biayanya tidak diskalakan ke Rp 1 M."
    ),
    "spent_only": (
        "{arm} hanya membelanjakan {share} anggarannya: angka per Rp 1 M berarti menganggap "
        "kenaikannya tumbuh dengan uang yang tidak dibelanjakannya."
    ),
    "wg_h": "Siapa yang diuntungkan, siapa yang dirugikan",
    "wg_intro": "Setiap opsi dibandingkan dengan {reference}, replikasi demi replikasi.",
    "wg_reach_about": (
        "usaha awal yang dijangkau kebijakan opsi tersebut dan usaha lainnya; setiap usaha "
        "dipasangkan dengan dirinya sendiri pada {reference} (usaha yang tutup tidak "
        "berpendapatan)."
    ),
    "wg_owners_about": "pendapatan rumah tangga pemilik miskin dan tidak miskin.",
    "wg_places_h": "Sektor dan desa",
    "wg_places_about": (
        "rata-rata omzet usaha yang masih hidup dan kelangsungan usaha awal di sana."
    ),
    "wg_dim_reach": "Usaha",
    "wg_dim_owners": "Rumah tangga pemilik",
    "wg_dim_sector": "Sektor",
    "wg_dim_village": "Desa",
    "wg_reached": "terjangkau opsi ini",
    "wg_others": "tidak terjangkau",
    "wg_poor": "pemilik miskin",
    "wg_nonpoor": "pemilik tidak miskin",
    "wg_revenue_per_firm": "Omzet per usaha awal (usaha yang tutup dihitung 0)",
    "wg_firms_reached": "Usaha yang terjangkau",
    "wg_reached_gain": "Kenaikan omzet usaha yang terjangkau (Rp/bulan, seluruhnya)",
    "wg_others_change": "Perubahan omzet usaha lainnya (Rp/bulan, seluruhnya)",
    "wg_displacement": "Pengalihan",
    "wg_displacement_note": (
        "Pengalihan adalah penurunan omzet usaha lainnya sebagai persentase dari kenaikan omzet "
        "usaha yang terjangkau, pada akhir simulasi: 0% berarti tidak ada usaha lain yang "
        "dirugikan, 100% berarti seluruh kenaikan itu diambil dari usaha lain."
    ),
    "wg_others_gained": "tidak ada: usaha lainnya juga naik",
    "wg_note_no_tables": "tidak ada tabel usaha yang mencatat usaha yang dijangkau kebijakan",
    "wg_note_no_marks": "kebijakannya tidak menandai usaha satu per satu sebagai terjangkau",
    "wg_note_all_reached": "semua usaha terjangkau: tidak ada usaha lain yang dapat dirugikan",
    "wg_note_no_gain": "usaha yang terjangkau tidak naik: pengalihan tidak dapat dihitung",
    "wg_who": "Menurut",
    "wg_group": "Kelompok",
    "wg_change": "Perubahan",
    "wg_change_pct": "Perubahan, %",
    "wg_survival_change": "Perubahan kelangsungan usaha",
    "wg_survival_cell": "{diff} poin ({low} s.d. {high})",
    "wg_fig_alt": "Siapa yang diuntungkan dan siapa yang dirugikan, per opsi",
    "wg_fig_caption": (
        "Perubahan omzet (usaha, sektor, desa) atau pendapatan rumah tangga (pemilik) dibanding "
        "{reference}, sebagai persentase dari nilainya di sana: titik = rata-rata selisih "
        "berpasangan, batang = SK 95% berpasangan."
    ),
    "wg_fig_xlabel": "Perubahan dibanding pembanding (% dari rata-rata omzet atau pendapatannya)",
    "wg_fig_group": "{dimension}: {group}",
    # hasil per kelompok: sektor dan desa
    "g_village": "desa {name}",
    "g_mean_revenue_idr": "Rata-rata omzet, {group}",
    "g_survival_rate": "Kelangsungan usaha awal, {group}",
    "sector_food": "kuliner",
    "sector_fashion": "fesyen",
    "sector_craft": "kriya",
    "sector_retail": "perdagangan eceran",
    "sector_services": "jasa",
    # ketahanan hasil terhadap ketidakpastian (report/robustness.py)
    "rb_h": "Ketahanan hasil terhadap ketidakpastian",
    "rb_intro": (
        "Setiap opsi dijalankan pada {sets} set parameter yang sama, masing-masing dengan benih "
        "acak yang sama, sehingga setiap opsi memiliki satu dampak berpasangan per set "
        "parameter (rata-rata antarreplikasi dari nilai opsi dikurangi nilai pembanding). "
        "Parameter yang tidak pasti dan rentang nilainya:"
    ),
    "rb_rows_of": "baris-baris {file}",
    "rb_one_of": "salah satu dari {values}",
    "rb_list_sep": "; ",
    "rb_whole": " (bilangan bulat)",
    "rb_median": "Dampak median",
    "rb_spread": "Rentang 5–95% antarset",
    "rb_best_in": "Terbaik di",
    "rb_regret": "Penyesalan maksimum",
    "rb_reference": "pembanding",
    "rb_table_note": (
        "Dampak median dan rentang 5–95%: antarset parameter. Terbaik di: persentase set "
        "parameter tempat opsi tersebut (termasuk pembanding) paling baik. Penyesalan maksimum: "
        "pada set parameter yang paling buruk bagi opsi tersebut, seberapa jauh opsi itu "
        "tertinggal dari opsi terbaik di set itu."
    ),
    "rb_fig_alt": "Dampak per opsi antarset parameter",
    "rb_fig_caption": (
        "Setiap titik adalah satu set parameter: dampak berpasangan opsi dibanding pembanding "
        "di set itu. Kotak memuat separuh set yang di tengah; garis ujungnya menjangkau "
        "persentil ke-5 dan ke-95."
    ),
    "rb_fig_title": "Dampak berpasangan di setiap set parameter (satu titik per set)",
    "rb_fig_xlabel": "dampak dibanding {reference}",
    "rb_lose_h": "Kapan opsi terbaik kehilangan posisinya?",
    "rb_best_on": "Untuk {noun},",
    "rb_best_rest": (
        "memiliki rata-rata dampak tertinggi antarset parameter; opsi lain lebih baik di {lost} "
        "dari {sets} set."
    ),
    "rb_replications": (
        "Dengan {n} replikasi per set parameter, dampak dalam satu set masih mengandung "
        "keacakan model: selisih kecil antaropsi dalam satu set bisa saja kebetulan. Replikasi "
        "yang lebih banyak memisahkan kedua jenis ketidakpastian itu dengan lebih baik."
    ),
    "rb_prim": "Penemuan skenario (PRIM, EMA Workbench) mencari rentang parameter tempat hal "
    "itu terjadi:",
    "rb_box": (
        "Kotak {i} memuat {coverage} dari set tempat {best} kehilangan posisinya (cakupan); "
        "{density} set di dalamnya adalah set seperti itu (kepadatan; {base} di seluruh set); "
        "kotak ini memuat {mass} dari seluruh set."
    ),
    "rb_parameter": "Parameter",
    "rb_in_box": "Rentang di dalam kotak",
    "rb_all_sets": "Rentang di seluruh set",
    "rb_note_no_direction": "{label} tidak memiliki arah yang lebih baik, jadi tidak ada opsi "
    "terbaik.",
    "rb_note_always_best": "{best} terbaik di setiap set parameter: tidak ada yang perlu "
    "dipisahkan.",
    "rb_note_never_best": "{best} tidak terbaik di set parameter mana pun: tidak ada yang perlu "
    "dipisahkan.",
    "rb_note_not_numeric": "Tidak ada parameter tidak pasti yang bernilai angka untuk dicari "
    "rentangnya.",
    "rb_note_no_box": "PRIM tidak menemukan kotak yang memisahkan set-set parameter ini.",
    # metode dan keterbatasan
    "m_crn_h": "Bilangan acak bersama.",
    "m_crn": (
        "Replikasi r memakai benih acak yang sama di setiap opsi, sehingga setiap opsi "
        "menghadapi usaha, jaringan dan keberuntungan yang sama dengan pembanding. Opsi "
        "dibandingkan replikasi demi replikasi (selisih berpasangan), yang menghapus derau "
        "yang sama-sama dialami."
    ),
    "m_intervals_h": "Selang kepercayaan.",
    "m_intervals": (
        "Selang kepercayaan (SK) 95% adalah selang Student-t dari rata-rata selisih berpasangan "
        "antarreplikasi. Selang tidak berpasangan (Welch) memperlakukan opsi sebagai sampel "
        "bebas; selang itu lebih lebar bila replikasi berbagi derau, dan itulah manfaat "
        'pemasangan. "Lebih baik di" adalah pangsa replikasi tempat opsi mengungguli '
        "pembanding (untuk ketimpangan dan biaya, makin rendah makin baik)."
    ),
    "m_holm_h": "Perbandingan berganda.",
    "m_holm": (
        "Tabel keputusan menguji setiap hasil yang ditanyakan untuk setiap opsi; dengan banyak "
        "uji, sebagian tampak signifikan karena kebetulan. Tandanya memakai koreksi bertahap "
        "Holm (statsmodels) atas seluruh tabel, sehingga tingkat galat keluarga tetap 5%."
    ),
    "m_cost_h": "Efektivitas biaya.",
    "m_cost": (
        "Rata-rata kenaikan dibagi rata-rata belanja kebijakan tambahan dibanding pembanding "
        "(berpasangan per replikasi), per Rp 1 M. Belanja adalah yang benar-benar dibelanjakan "
        "kebijakan, bulan demi bulan, didiskonto ke awal simulasi dengan discount_rate "
        "eksperimen. Selang 95% adalah bootstrap berpasangan atas replikasi (kenaikan dan "
        "belanja tiap replikasi diambil ulang bersama). Opsi yang tidak membelanjakan lebih "
        "dari pembanding tidak memiliki rasio, begitu pula opsi yang membelanjakan kurang dari "
        "90% anggarannya: menskalakan kenaikannya ke Rp 1 M berarti menganggapnya tumbuh "
        "dengan uang yang tidak dapat dibelanjakannya."
    ),
    "m_runs_h": "Simulasi.",
    "m_runs": (
        "{finished} simulasi selesai, {failed} gagal, {replications} replikasi per opsi, benih "
        "acak eksperimen {seed}. Benih simulasi per replikasi: {seeds} (semuanya di "
        "runs.parquet)."
    ),
    "m_rerun_h": "Mengulang satu simulasi.",
    "m_rerun": (
        "mengulang replikasi {replication} dari skenario dasar; tambahkan pengaturan "
        "opsi dengan --set path=value dan kebijakannya seperti tercantum di experiment.yaml. "
        "Benih dan pengaturan yang sama memberi hasil yang identik sampai ke bit terakhir."
    ),
    "caveats": (
        "Ekonomi informal hanya digambarkan secara kasar: uang rumah tangga dan uang usaha "
        "dipisahkan dengan aturan penarikan tetap, dan kredit tidak resmi, tenaga kerja "
        "keluarga serta barter tidak dimodelkan secara rinci.\n"
        "Harga input, data dan output adalah parameter tetap atau mengikuti aturan sederhana; "
        "model tidak memiliki pembentukan harga, inflasi atau pengaruh nilai tukar.\n"
        "Umpan balik hanya terjadi di dalam kabupaten: rumah tangga membelanjakan apa yang "
        "dibayarkan usaha kepada mereka, tetapi harga, upah di luar sektor UMKM dan kondisi "
        "nasional tidak menanggapi kebijakan.\n"
        "Mekanisme diterjemahkan dari studi sumber kualitatif (wawancara dan studi kasus); "
        "kekuatannya adalah asumsi dari tabel parameter, bukan estimasi, jadi bacalah arah dan "
        "besar relatif dampak, bukan angka pastinya.\n"
        "Biaya kebijakan adalah anggaran yang dibelanjakan di dalam model; administrasi, salah "
        "sasaran dan kebocoran di luar model tidak dihitung.\n"
        "Selang hanya menunjukkan ketidakpastian dari keacakan model antarreplikasi, bukan "
        "ketidakpastian parameternya sendiri (lihat analisis sensitivitas, atau nyatakan "
        "uncertainties: dalam eksperimen, untuk itu)."
    ),
}

#: Outcome labels in Indonesian, by outcome name (the English label comes from outcomes.json).
OUTCOME_LABELS = {
    "survival_rate": "Kelangsungan usaha awal",
    "firms_alive": "Usaha yang hidup",
    "digital_share": "Adopsi digital (aplikasi pesan atau lebih)",
    "marketplace_share": "Di media sosial atau lokapasar",
    "mean_literacy": "Rata-rata literasi digital",
    "poor_owner_mean_income_idr": "Pendapatan rumah tangga pemilik miskin",
    "nonpoor_owner_mean_income_idr": "Pendapatan rumah tangga pemilik tidak miskin",
    "mean_income_idr": "Pendapatan rumah tangga pemilik",
    "owner_poverty_rate": "Rumah tangga pemilik dalam kemiskinan",
    "household_income_idr": "Pendapatan rumah tangga",
    "revenue_total_idr": "Omzet usaha (total)",
    "joint_promotion_share": "Promosi bersama",
    "mean_profit_idr": "Rata-rata laba",
    "mean_revenue_idr": "Rata-rata omzet",
    "gini_income": "Ketimpangan pendapatan (Gini)",
    "pooling_participation": "Partisipasi pembelian bersama",
    "partnerships_active": "Kemitraan aktif",
    "mean_trust": "Rata-rata kepercayaan",
    "mean_customer_loyalty": "Rata-rata loyalitas pelanggan",
    "skilled_workers": "Pekerja terampil",
    "craft_output_idr": "Output kerajinan",
    "mean_skilled_age": "Rata-rata usia pekerja terampil",
    "policy_spend_idr": "Belanja kebijakan (kumulatif)",
    "share_level_0": "Luring (tingkat 0)",
    "share_level_1": "Aplikasi pesan (tingkat 1)",
    "share_level_2": "Media sosial atau lokapasar (tingkat 2)",
}
