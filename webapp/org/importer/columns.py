"""The columns of the import files: their headers and aliases, and the words the cells may hold."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..models import Gender, Role

STUDENTS, STAFF, ACCOUNTS = "students", "staff", "accounts"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header people already use
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be in the file
    text: bool = False  # typed as text in the template: Excel turns a long number into 4.1E+17
    choices: tuple[str, ...] = ()  # offered as a drop-down in the template


YES_NO = ("是", "否")
STUDENT_COLUMNS = (
    Column("student_no", "学号", ("student no", "student number", "学籍号"), required=True, text=True),
    Column("name", "姓名", ("name", "学生姓名"), required=True),
    Column("gender", "性别", ("gender", "sex"), required=True, choices=("男", "女")),
    Column("birth_date", "出生日期", ("birth date", "date of birth", "birthday", "出生年月日")),
    Column("id_number", "身份证号", ("id number", "身份证号码", "身份证"), text=True),
    Column("school", "学校", ("school", "学校名称"), required=True),
    Column("grade", "年级", ("grade",), required=True),
    Column("klass", "班级", ("class",), required=True),
    Column("guardian_name", "监护人姓名", ("guardian", "guardian name", "家长姓名")),
    Column("guardian_phone", "监护人电话", ("guardian phone", "家长电话", "监护人手机号", "家长手机号"), text=True),
    Column("home_village", "家庭住址(村/社区)", ("家庭住址", "home village", "address", "村/社区", "村(社区)")),
)
STAFF_COLUMNS = (
    Column("name", "姓名", ("name",), required=True),
    Column("id_number", "身份证号", ("id number", "身份证号码", "身份证"), text=True),
    Column("phone", "手机号", ("phone", "mobile", "手机", "手机号码", "联系电话"), text=True),
    Column("unit", "单位", ("unit", "所在单位", "工作单位", "学校"), required=True),
    Column("position", "职务", ("position", "title", "岗位")),
    Column("party_member", "是否党员", ("party member", "党员"), choices=YES_NO),
    Column("is_volunteer", "是否志愿者", ("volunteer", "志愿者"), choices=YES_NO),
    Column("create_account", "创建账号", ("create account", "是否创建账号"), choices=YES_NO),
    Column("role", "账号角色", ("role", "account role", "角色")),
    Column("klass", "负责班级", ("homeroom class", "class", "班级")),
)
COLUMNS = {STUDENTS: STUDENT_COLUMNS, STAFF: STAFF_COLUMNS}

# The words the 账号角色 column accepts (data of the file, like 男/女: not translated).
ROLE_WORDS = {Role.county_admin: "县级管理员", Role.township_admin: "乡镇管理员", Role.school_admin: "学校管理员",
               Role.homeroom_teacher: "班主任", Role.teacher: "教师", Role.volunteer: "志愿者"}
ROLE_ALIASES = {"县管理员": Role.county_admin, "教体局管理员": Role.county_admin, "乡镇中心校管理员": Role.township_admin,
                "中心校管理员": Role.township_admin, "任课教师": Role.teacher, "任课老师": Role.teacher,
                "老师": Role.teacher, "党员志愿者": Role.volunteer, "homeroom teacher": Role.homeroom_teacher}
GENDERS = {"男": Gender.male, "女": Gender.female, "m": Gender.male, "male": Gender.male,
           "f": Gender.female, "female": Gender.female}
YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
NO = {"否", "n", "no", "false", "0", "×", "无", ""}


def norm(text) -> str:
    """A header or name reduced for comparison: full-width to half-width, no spaces, no '*', lower case."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*\u200b\ufeff]+", "", text).lower()


def role_from_label(text: str) -> Role | None:
    key = norm(text)
    for role, label in ROLE_WORDS.items():
        if key in (label, role.value, role.value.replace("_", " ")):
            return role
    return {norm(alias): role for alias, role in ROLE_ALIASES.items()}.get(key)

