//! The workbook's layout, shared by export and import so the two cannot
//! drift apart: sheet names, their Chinese headers and column widths.

/// One column: its header and its width in Excel's character units.
pub(crate) struct Column {
    pub header: &'static str,
    pub width: f64,
    /// Long free text, shown wrapped; import keeps it exactly as typed.
    pub free_text: bool,
}

const fn col(header: &'static str, width: f64) -> Column {
    Column {
        header,
        width,
        free_text: false,
    }
}

const fn text(header: &'static str, width: f64) -> Column {
    Column {
        header,
        width,
        free_text: true,
    }
}

/// One sheet and its columns, in the order export writes them.
pub(crate) struct Sheet {
    pub name: &'static str,
    pub columns: &'static [Column],
}

pub(crate) const CODE: &str = "事项编码";
pub(crate) const NAME: &str = "事项名称";
pub(crate) const CATEGORY: &str = "事项类型";
pub(crate) const UNIT: &str = "责任单位";
pub(crate) const LEVELS: &str = "受理层级";
pub(crate) const DELEGATION: &str = "下放方式";
pub(crate) const STATUTORY: &str = "法定时限（工作日）";
pub(crate) const PROMISED: &str = "承诺时限（工作日）";
pub(crate) const LIMIT_SOURCE: &str = "时限依据";
pub(crate) const FEE: &str = "是否收费";
pub(crate) const FEE_NOTE: &str = "收费说明";
pub(crate) const LEGAL_BASIS: &str = "设定依据";
pub(crate) const COMMITMENT: &str = "告知承诺";
pub(crate) const DEFICIENCY: &str = "容缺受理";
pub(crate) const APPLICANTS: &str = "服务对象";
pub(crate) const ONLINE: &str = "网办深度";
pub(crate) const MOBILE: &str = "移动办理";
pub(crate) const SELF_SERVICE: &str = "自助办";
pub(crate) const VISITS: &str = "最多跑动次数";
pub(crate) const AGENCY: &str = "代办";
pub(crate) const KEYWORDS: &str = "关键词";
pub(crate) const DESCRIPTION: &str = "办理须知";

/// 事项: one row per matter.
pub(crate) const MATTERS: Sheet = Sheet {
    name: "事项",
    columns: &[
        col(CODE, 16.0),
        col(NAME, 30.0),
        col(CATEGORY, 12.0),
        col(UNIT, 14.0),
        col(LEVELS, 18.0),
        col(DELEGATION, 12.0),
        col(STATUTORY, 12.0),
        col(PROMISED, 12.0),
        text(LIMIT_SOURCE, 24.0),
        col(FEE, 9.0),
        text(FEE_NOTE, 24.0),
        text(LEGAL_BASIS, 40.0),
        col(COMMITMENT, 9.0),
        col(DEFICIENCY, 9.0),
        col(APPLICANTS, 12.0),
        col(ONLINE, 12.0),
        col(MOBILE, 9.0),
        col(SELF_SERVICE, 9.0),
        col(VISITS, 12.0),
        col(AGENCY, 9.0),
        col(KEYWORDS, 24.0),
        text(DESCRIPTION, 48.0),
    ],
};

pub(crate) const SEQ: &str = "序号";
pub(crate) const MATERIAL_NAME: &str = "材料名称";
pub(crate) const REQUIRED: &str = "是否必需";
pub(crate) const CORE: &str = "核心要件";
pub(crate) const SOURCE: &str = "来源";
pub(crate) const CERTIFICATE: &str = "证明编码";
pub(crate) const NOTE: &str = "备注";

/// 材料: one row per material, in the matter's order by 序号.
pub(crate) const MATERIALS: Sheet = Sheet {
    name: "材料",
    columns: &[
        col(CODE, 16.0),
        col(SEQ, 6.0),
        col(MATERIAL_NAME, 30.0),
        col(REQUIRED, 9.0),
        col(CORE, 9.0),
        col(SOURCE, 12.0),
        col(CERTIFICATE, 12.0),
        text(NOTE, 36.0),
    ],
};

pub(crate) const STAGE: &str = "阶段";
pub(crate) const STEP_NAME: &str = "环节名称";
pub(crate) const STEP_UNIT: &str = "办理单位";
pub(crate) const STEP_LIMIT: &str = "环节时限（工作日）";

/// 环节: one row per back-office step, in the matter's order.
pub(crate) const STEPS: Sheet = Sheet {
    name: "环节",
    columns: &[
        col(CODE, 16.0),
        col(STAGE, 6.0),
        col(STEP_NAME, 24.0),
        col(STEP_UNIT, 14.0),
        col(STEP_LIMIT, 12.0),
    ],
};

pub(crate) const CERT_CODE: &str = "编码";
pub(crate) const CERT_NAME: &str = "名称";
pub(crate) const CERT_ISSUER: &str = "开具单位";
pub(crate) const CERT_BASIS: &str = "依据";

/// 证明事项清单: the certificate list.
pub(crate) const CERTIFICATES: Sheet = Sheet {
    name: "证明事项清单",
    columns: &[
        col(CERT_CODE, 12.0),
        col(CERT_NAME, 30.0),
        col(CERT_ISSUER, 20.0),
        text(CERT_BASIS, 48.0),
    ],
};

/// Every sheet, in workbook order.
pub(crate) const SHEETS: [&Sheet; 4] = [&MATTERS, &MATERIALS, &STEPS, &CERTIFICATES];

/// Joins the values of a list cell (受理层级, 关键词).
pub(crate) const LIST_SEPARATOR: &str = "、";

/// Splits a list cell; people type any of these between values.
pub(crate) fn split_list(cell: &str) -> Vec<String> {
    cell.split(['、', ',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
